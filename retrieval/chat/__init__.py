"""The conversation around the answers: turns, the chat's own words, suggestions, the transcript, key points."""

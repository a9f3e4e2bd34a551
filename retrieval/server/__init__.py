"""What a shared server keeps: the live engine that reloads on library changes, the record of questions and feedback, its report."""

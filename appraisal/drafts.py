"""The month as a draft: files and review decisions gathered before the seal (issue 10)."""

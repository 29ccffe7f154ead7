"""Document parsers: PDF, DOCX, PPTX, Markdown, HTML and plain text, chosen by content."""

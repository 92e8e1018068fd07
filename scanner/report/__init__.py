"""The HTML report (通报): :func:`scanner.report.html.write_report`."""

"""Bytes in and out: the file formats the stages share, below every stage.

`appraisal.files.xlsx` packages an openpyxl workbook into an .xlsx whose bytes depend
on its content alone, for the salary workbook (`payroll_export`) and the managers'
input form (`appraisal.read.form`) alike.
"""

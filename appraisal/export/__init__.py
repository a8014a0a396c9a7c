"""Export stage: a sealed month becomes what people read: workbook, statement, summary."""

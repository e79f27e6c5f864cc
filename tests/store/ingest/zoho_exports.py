"""Zoho Books' exports of a few invoices and their payments, and the same vouchers in a Tally
Day Book: the data of the tests that compare a Zoho user's credit risk with a Tally user's."""

from __future__ import annotations

# Zoho Books' invoice export (Invoice.csv) as Zoho writes it, a few columns left out: one row
# per item, the invoice's `SubTotal`, `Total` and `Balance` repeated on each; a void and a
# draft invoice among them.
HEADER = (
    "Invoice Date,Invoice ID,Invoice Number,Invoice Status,Customer ID,Customer Name,"
    "Due Date,Currency Code,Exchange Rate,Discount Type,SubTotal,Total,Balance,Item Name,"
    "Quantity,Item Price,Item Total,Item Tax,Item Tax %,Item Tax Amount,Item Tax Type\n"
)
ROWS = (
    "2025-04-03,4600012001,INV-000001,Paid,7001,Zylker Foods,2025-05-03,INR,1.00,"
    "entity_level,14237.29,16800.00,0.00,Rice 25kg,10,1000.00,10000.00,GST18,18.00,1800.00,"
    "ItemAmount\n"
    "2025-04-03,4600012001,INV-000001,Paid,7001,Zylker Foods,2025-05-03,INR,1.00,"
    "entity_level,14237.29,16800.00,0.00,Sugar 50kg,2,2118.64,4237.29,GST18,18.00,762.71,"
    "ItemAmount\n"
    "2025-04-18,4600012002,INV-000002,Overdue,7002,Bright Traders,2025-05-18,INR,1.00,"
    "entity_level,5000.00,5900.00,5900.00,Oil 15L,5,1000.00,5000.00,GST18,18.00,900.00,"
    "ItemAmount\n"
    "2025-05-10,4600012003,INV-000003,Partially Paid,7001,Zylker Foods,2025-06-09,INR,1.00,"
    "entity_level,10000.00,11800.00,1800.00,Dal 30kg,2,3000.00,6000.00,GST18,18.00,1080.00,"
    "ItemAmount\n"
    "2025-05-10,4600012003,INV-000003,Partially Paid,7001,Zylker Foods,2025-06-09,INR,1.00,"
    "entity_level,10000.00,11800.00,1800.00,Rice 25kg,4,1000.00,4000.00,GST18,18.00,720.00,"
    "ItemAmount\n"
)
VOID_AND_DRAFT = (
    "2025-05-20,4600012004,INV-000004,Void,7001,Zylker Foods,2025-06-19,INR,1.00,"
    "entity_level,84745.76,100000.00,0.00,Oil 15L,84,1008.88,84745.76,GST18,18.00,15254.24,"
    "ItemAmount\n"
    "2025-06-01,4600012005,INV-000005,Draft,7002,Bright Traders,2025-07-01,INR,1.00,"
    "entity_level,4237.29,5000.00,5000.00,Sugar 50kg,2,2118.64,4237.29,GST18,18.00,762.71,"
    "ItemAmount\n"
)
# Its Customer Payments export: each payment names the invoice it settles.
PAYMENTS = (
    "Payment Number,Mode,CustomerID,Customer Name,Payment Type,Date,Amount,Invoice Number\n"
    "1,Bank Transfer,7001,Zylker Foods,Invoice Payment,2025-05-20,16800.00,INV-000001\n"
    "2,Cheque,7001,Zylker Foods,Invoice Payment,2025-06-05,10000.00,INV-000003\n"
    "3,Cash,7002,Bright Traders,Invoice Payment,2025-06-30,1000.00,INV-000002\n"
)
# The same vouchers in a Tally Day Book: invoices due 30 days after their date (the default,
# as Zoho's `Due Date` says), receipts settling the oldest invoices first (as Zoho's name
# theirs).
DAY_BOOK = (
    "Kaveri Distributors Pvt Ltd\n"
    "Day Book\n"
    "1-Apr-25 to 30-Jun-25\n"
    "\n"
    "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
    '3-Apr-25,Zylker Foods,Sales,INV-000001,"16,800.00",\n'
    '18-Apr-25,Bright Traders,Sales,INV-000002,"5,900.00",\n'
    '10-May-25,Zylker Foods,Sales,INV-000003,"11,800.00",\n'
    '20-May-25,Zylker Foods,Receipt,1,,"16,800.00"\n'
    '5-Jun-25,Zylker Foods,Receipt,2,,"10,000.00"\n'
    '30-Jun-25,Bright Traders,Receipt,3,,"1,000.00"\n'
)

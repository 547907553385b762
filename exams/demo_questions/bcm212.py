"""BCM-212 《商業銀行客戶財務分析與信用評估》 Customer Financial Analysis and Credit Assessment."""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.ACCOUNTING, 2,
        "流動比率的計算公式為何？",
        "How is the current ratio calculated?",
        [
            ("（流動資產 − 存貨）÷ 流動負債", "(Current assets − inventory) ÷ current liabilities"),
            ("流動資產 ÷ 流動負債", "Current assets ÷ current liabilities"),
            ("總負債 ÷ 股東權益", "Total liabilities ÷ equity"),
            ("稅後淨利 ÷ 營業收入", "Net income ÷ revenue"),
        ],
        answer="B",
    ),
    single(
        Area.ACCOUNTING, 2,
        "下列何者是資產負債表上的項目？",
        "Which of these is a balance-sheet item?",
        [
            ("營業收入", "Revenue"),
            ("營業費用", "Operating expenses"),
            ("所得稅費用", "Income tax expense"),
            ("應收帳款", "Accounts receivable"),
        ],
        answer="D",
    ),
    single(
        Area.ACCOUNTING, 3,
        "某公司流動資產 500 萬元（其中存貨 200 萬元），流動負債 250 萬元，其速動比率為？",
        "A company has current assets of NT$5 million, of which NT$2 million is inventory, and current "
        "liabilities of NT$2.5 million. What is its quick ratio?",
        [
            ("2.0", "2.0"),
            ("0.8", "0.8"),
            ("1.2", "1.2"),
            ("0.6", "0.6"),
        ],
        answer="C",
    ),
    single(
        Area.ACCOUNTING, 3,
        "某公司帳上淨利為正，營業活動現金流量卻連續為負，最可能的原因是？",
        "A company reports a profit, yet its cash flow from operations has been negative for several periods. "
        "What is the most likely cause?",
        [
            ("應收帳款與存貨大幅增加", "A sharp rise in receivables and inventory"),
            ("折舊費用增加", "Higher depreciation"),
            ("發放現金股利", "Cash dividends paid"),
            ("償還長期借款", "Long-term borrowing repaid"),
        ],
        answer="A",
    ),
    single(
        Area.FINANCE, 3,
        "授信 5P 原則不包括下列哪一項？",
        "Which of these is not one of the 5Ps of credit?",
        [
            ("借款戶（People）", "The borrower (People)"),
            ("資金用途（Purpose）", "The purpose of the funds (Purpose)"),
            ("銀行利潤（Profit）", "The bank's profit (Profit)"),
            ("還款來源（Payment）", "The source of repayment (Payment)"),
        ],
        answer="C",
    ),
    single(
        Area.FINANCE, 3,
        "授信審查所稱的「第一還款來源」，通常是指？",
        "In credit review, what does the \"primary source of repayment\" usually mean?",
        [
            ("擔保品處分所得", "Proceeds from selling the collateral"),
            ("保證人代為清償", "Payment by the guarantor"),
            ("銀行提列的備抵呆帳", "The bank's loan-loss allowance"),
            ("借款人營運所產生的現金流量", "Cash flow from the borrower's operations"),
        ],
        answer="D",
    ),
    multiple(
        Area.ACCOUNTING, 3,
        "下列哪些比率可用來評估企業的償債能力？",
        "Which of these ratios show a company's ability to pay its debts?",
        [
            ("流動比率", "The current ratio"),
            ("存貨週轉率", "Inventory turnover"),
            ("負債比率", "The debt ratio"),
            ("利息保障倍數", "Interest coverage"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.ACCOUNTING, 3,
        "分析財務報表時，下列哪些情況可能是盈餘品質不佳的警訊？",
        "Reading financial statements, which of these may warn of poor earnings quality?",
        [
            ("應收帳款成長速度遠高於營收", "Receivables growing much faster than revenue"),
            ("營業活動現金流量長期低於淨利", "Operating cash flow persistently below net income"),
            ("毛利率長期穩定", "A gross margin stable for years"),
            ("頻繁更換簽證會計師", "Frequent changes of auditor"),
        ],
        answer="ABD",
    ),
    multiple(
        Area.FINANCE, 3,
        "下列哪些屬於授信後管理（貸後管理）的工作？",
        "Which of these are part of monitoring a loan after it is granted?",
        [
            ("追蹤資金用途是否與申請相符", "Checking the funds are used as the application said"),
            ("撥款後即不再與客戶聯繫", "Not contacting the customer once the loan is paid out"),
            ("定期取得財務報表辦理覆審", "Getting financial statements regularly for review"),
            ("注意擔保品價值的變化", "Watching the value of the collateral"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.FINANCE, 3,
        "下列哪些是授信戶的早期預警訊號？",
        "Which of these are early warning signs in a borrower?",
        [
            ("支票存款帳戶出現退票", "Cheques bouncing on its current account"),
            ("延遲繳息", "Late interest payments"),
            ("主要客戶流失", "Loss of a major customer"),
            ("按時提供財務報表", "Financial statements delivered on time"),
        ],
        answer="ABC",
    ),
    true_false(
        Area.ACCOUNTING, 2,
        "折舊是非現金費用，會減少淨利，但不會直接減少當期的現金。",
        "Depreciation is a non-cash expense: it lowers net income but does not itself reduce cash in the period.",
        true=True,
    ),
    true_false(
        Area.ACCOUNTING, 2,
        "存貨週轉天數增加，通常表示存貨管理效率提高。",
        "More days of inventory on hand usually means inventory is managed more efficiently.",
        true=False,
    ),
    true_false(
        Area.LAW, 2,
        "依《銀行法》第 12 條，由經政府核准設立的信用保證機構（如中小企業信用保證基金）保證的授信，屬於擔保授信。",
        "Under Article 12 of the Banking Act, credit guaranteed by a government-approved credit guarantee "
        "institution, such as the Small and Medium Enterprise Credit Guarantee Fund, counts as secured credit.",
        true=True,
    ),
    true_false(
        Area.LAW, 2,
        "依《銀行法》，只要由公司負責人個人擔任連帶保證人，該筆授信即屬擔保授信。",
        "Under the Banking Act, a loan becomes secured credit simply because the company's owner personally "
        "guarantees it jointly and severally.",
        true=False,
    ),
    essay(
        Area.ACCOUNTING, 4,
        "某客戶兩年的簡要財務資料（單位：新臺幣百萬元）如下：營收 500 → 600；淨利 30 → 36；應收帳款 80 → 150；"
        "存貨 60 → 110；營業活動現金流量 25 → −20；短期借款 100 → 180。請分析其財務狀況與風險，並說明你對其申請"
        "增貸 50 百萬元週轉金的建議與條件。",
        "A customer's summary figures over two years (NT$ million): revenue 500 → 600; net income 30 → 36; "
        "receivables 80 → 150; inventory 60 → 110; operating cash flow 25 → −20; short-term borrowing "
        "100 → 180. Analyse its financial position and risks, and give your recommendation, with conditions, "
        "on its request for a further NT$50 million working-capital loan.",
        rubric_zh="指出營收成長 20%，應收帳款與存貨增幅卻遠高於營收，營業現金流量轉負 3 分；計算並解讀相關比率"
        "（應收帳款與存貨週轉天數、短期借款依賴）3 分；以 5P 評估資金用途與還款來源 2 分；建議具體（額度、擔保、"
        "財務承諾、貸後追蹤）2 分。",
        rubric_en="Sees that revenue grew 20% while receivables and inventory grew far faster and operating cash "
        "flow turned negative 3; computes and reads the ratios (days of receivables and inventory, reliance on "
        "short-term debt) 3; weighs purpose and source of repayment with the 5Ps 2; a specific recommendation "
        "(amount, collateral, covenants, monitoring) 2.",
    ),
]
# fmt: on

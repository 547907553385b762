"""BCM-303 《金融項目評估與管理》 Financial Project Appraisal and Management."""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.FINANCE, 3,
        "評估投資計畫時，淨現值（NPV）大於零代表什麼？",
        "Appraising a project, what does a net present value (NPV) above zero mean?",
        [
            ("計畫一定會虧損", "The project will certainly lose money"),
            ("計畫報酬高於資金成本，可考慮接受", "It earns more than its cost of capital and may be accepted"),
            ("計畫回收期少於一年", "The payback period is under a year"),
            ("內部報酬率等於零", "The internal rate of return is zero"),
        ],
        answer="B",
    ),
    single(
        Area.FINANCE, 3,
        "內部報酬率（IRR）是指什麼？",
        "What is the internal rate of return (IRR)?",
        [
            ("使計畫淨現值等於零的折現率", "The discount rate at which the project's NPV is zero"),
            ("計畫的會計利潤率", "The project's accounting profit margin"),
            ("銀行的放款利率", "The bank's lending rate"),
            ("當年的通貨膨脹率", "This year's inflation rate"),
        ],
        answer="A",
    ),
    single(
        Area.FINANCE, 4,
        "某計畫期初投資 1,000 萬元，之後每年淨現金流入 300 萬元，不考慮折現時的回收期約為？",
        "A project costs NT$10 million up front and then brings in NT$3 million net a year. Ignoring "
        "discounting, what is the payback period, roughly?",
        [
            ("3.0 年", "3.0 years"),
            ("4.0 年", "4.0 years"),
            ("3.3 年", "3.3 years"),
            ("2.7 年", "2.7 years"),
        ],
        answer="C",
    ),
    single(
        Area.FINANCE, 4,
        "一年後將收到 110 萬元，折現率為 10%，其現值為多少？",
        "NT$1.1 million will be received in one year. At a 10% discount rate, what is its present value?",
        [
            ("99 萬元", "NT$990,000"),
            ("110 萬元", "NT$1,100,000"),
            ("121 萬元", "NT$1,210,000"),
            ("100 萬元", "NT$1,000,000"),
        ],
        answer="D",
    ),
    single(
        Area.ACCOUNTING, 3,
        "專案融資常用的償債覆蓋率（DSCR）如何計算？",
        "How is the debt service coverage ratio (DSCR) used in project finance calculated?",
        [
            ("總負債 ÷ 總資產", "Total liabilities ÷ total assets"),
            (
                "可用於償債的現金流量 ÷ 當期應還本息",
                "Cash flow available for debt service ÷ principal and interest due",
            ),
            ("淨利 ÷ 營業收入", "Net income ÷ revenue"),
            ("流動資產 ÷ 流動負債", "Current assets ÷ current liabilities"),
        ],
        answer="B",
    ),
    single(
        Area.ACCOUNTING, 3,
        "估算計畫的增額現金流量時，下列何者不應計入？",
        "Estimating a project's incremental cash flows, which of these should be left out?",
        [
            ("新增的設備投資", "New equipment"),
            ("新增的營運資金需求", "Extra working capital"),
            ("已經發生的可行性研究費用（沉沒成本）", "The feasibility study already paid for (a sunk cost)"),
            ("計畫帶來的稅後營業現金流入", "The after-tax operating cash the project brings in"),
        ],
        answer="C",
    ),
    multiple(
        Area.ECONOMICS, 3,
        "評估大型公共建設計畫的經濟效益時，下列哪些應納入考量？",
        "Assessing the economic benefit of a large public-works project, which of these should count?",
        [
            ("外部效益，例如縮短通勤時間", "External benefits, such as shorter commutes"),
            ("外部成本，例如環境污染", "External costs, such as pollution"),
            ("承辦人員的個人喜好", "The personal preferences of the officials in charge"),
            ("資源用於其他用途的機會成本", "The opportunity cost of the resources"),
        ],
        answer="ABD",
    ),
    multiple(
        Area.ECONOMICS, 3,
        "進行計畫的敏感度分析時，通常會測試下列哪些變數的變動？",
        "In a project's sensitivity analysis, which of these variables are usually varied?",
        [
            ("銷售量", "Sales volume"),
            ("產品售價", "Selling price"),
            ("建造成本", "Construction cost"),
            ("專案公司的名稱", "The project company's name"),
        ],
        answer="ABC",
    ),
    multiple(
        Area.LAW, 3,
        "專案融資常見的擔保與契約安排包括下列哪些？",
        "Which of these are common security and contract arrangements in project finance?",
        [
            ("專案公司股權設定質權", "A pledge over the project company's shares"),
            ("保證專案絕不會延誤的口頭承諾", "A verbal promise that the project will never be late"),
            ("專案資產設定擔保", "Security over the project's assets"),
            ("購售電或長期承購契約等收入保障", "Revenue secured by a power purchase or long-term offtake agreement"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.LAW, 3,
        "關於聯合授信（聯貸），下列哪些敘述正確？",
        "Which of these statements about syndicated loans are right?",
        [
            ("由主辦銀行負責籌組與協調", "The arranger organises and coordinates the syndicate"),
            ("參貸銀行依參貸比例承擔風險", "Participating banks bear risk in proportion to their shares"),
            ("通常設有管理銀行處理撥款與還款事務", "An agent bank usually handles drawdowns and repayments"),
            ("參貸銀行不必簽署聯貸合約", "Participating banks need not sign the facility agreement"),
        ],
        answer="ABC",
    ),
    true_false(
        Area.FINANCE, 2,
        "在其他條件相同下，資金成本越高，同一組現金流量的淨現值越低。",
        "Other things equal, the higher the cost of capital, the lower the NPV of the same cash flows.",
        true=True,
    ),
    true_false(
        Area.FINANCE, 2,
        "回收期法有考慮回收期之後的現金流量。",
        "The payback method takes account of cash flows after the payback period.",
        true=False,
    ),
    true_false(
        Area.ACCOUNTING, 2,
        "折舊雖不是現金支出，但可產生稅盾效果，增加稅後現金流量。",
        "Depreciation is not a cash outflow, but it creates a tax shield that raises after-tax cash flow.",
        true=True,
    ),
    true_false(
        Area.ACCOUNTING, 2,
        "評估計畫時只需看會計淨利，不需考慮現金流量發生的時間。",
        "Appraising a project, accounting profit is enough: when the cash flows arrive does not matter.",
        true=False,
    ),
    essay(
        Area.FINANCE, 4,
        "某公司申請新臺幣 5 億元專案融資，興建太陽能電廠並預計售電 20 年。請說明銀行評估此專案的重點"
        "（技術、市場、財務、法規與環境），以及你會設計的貸款條件與風險控管機制。",
        "A company applies for NT$500 million of project finance to build a solar plant that will sell power "
        "for 20 years. Explain what the bank must assess (technology, market, finances, regulation and "
        "environment), and the loan terms and risk controls you would design.",
        rubric_zh="評估面向完整（技術、市場、財務、法規與環境）3 分；運用 NPV、IRR、DSCR 等財務指標 3 分；"
        "擔保與契約安排（購售電契約、股權質押、工程與營運保險）2 分；依工程進度撥款與貸後監控 2 分。",
        rubric_en="All aspects assessed (technology, market, finances, regulation, environment) 3; financial "
        "measures such as NPV, IRR and DSCR used 3; security and contracts (power purchase agreement, share "
        "pledge, construction and operating insurance) 2; drawdowns tied to construction milestones, and "
        "monitoring 2.",
    ),
]
# fmt: on

"""BCM-222 《商業銀行零售業務風險管理》 Retail Banking Risk Management."""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.FINANCE, 2,
        "個人信用評分中，通常影響最大的因素是？",
        "Which factor usually weighs most in a personal credit score?",
        [
            ("年齡", "Age"),
            ("過去的繳款紀錄", "Past repayment record"),
            ("居住縣市", "City of residence"),
            ("持有的手機品牌", "The brand of mobile phone"),
        ],
        answer="B",
    ),
    single(
        Area.FINANCE, 2,
        "財團法人金融聯合徵信中心（聯徵中心）的主要功能是？",
        "What is the main role of the Joint Credit Information Center (JCIC)?",
        [
            ("核准個人貸款", "Approving personal loans"),
            ("訂定各銀行的放款利率", "Setting banks' lending rates"),
            ("處理金融消費爭議的評議", "Ruling on financial consumer disputes"),
            (
                "蒐集並提供金融機構間的信用資料",
                "Collecting credit information and sharing it among financial institutions",
            ),
        ],
        answer="D",
    ),
    single(
        Area.FINANCE, 3,
        "依主管機關規範，個人無擔保債務總餘額原則上不宜超過其平均月收入的幾倍（DBR 上限）？",
        "Under the regulator's rules, total unsecured debt of an individual should in principle not exceed how "
        "many times their average monthly income (the DBR cap)?",
        [
            ("12 倍", "12 times"),
            ("30 倍", "30 times"),
            ("22 倍", "22 times"),
            ("36 倍", "36 times"),
        ],
        answer="C",
    ),
    single(
        Area.FINANCE, 3,
        "房屋貸款的「貸款成數」是指什麼？",
        "What is the loan-to-value ratio of a mortgage?",
        [
            ("貸款金額占擔保品鑑估價值的比率", "The loan amount as a share of the collateral's appraised value"),
            ("貸款的年利率", "The loan's annual interest rate"),
            ("每月還款額占收入的比率", "The monthly payment as a share of income"),
            ("貸款的還款年限", "The loan's term"),
        ],
        answer="A",
    ),
    single(
        Area.LAW, 2,
        "下列何者是帳戶可能被當作詐騙「人頭帳戶」使用的典型跡象？",
        "Which of these typically suggests an account is being used as a mule account for fraud?",
        [
            ("每月固定的薪資轉入", "A regular monthly salary credit"),
            ("定期扣繳水電費", "Regular utility-bill debits"),
            ("每年一次繳納房屋稅", "Property tax paid once a year"),
            ("新開戶後短期內大量轉入並隨即提領", "Soon after opening, many incoming transfers withdrawn at once"),
        ],
        answer="D",
    ),
    single(
        Area.LAW, 2,
        "客戶臨櫃要求提領大額現金，神情緊張並不斷講手機，客戶經理最適當的做法是？",
        "A customer at the counter asks to withdraw a large sum in cash, looks anxious and keeps talking on the "
        "phone. What is the best thing for the customer manager to do?",
        [
            (
                "依關懷提問程序了解用途，必要時通報警方協助",
                "Ask caring questions about the purpose, as the procedure says, and call the police if needed",
            ),
            ("直接拒絕並請客戶離開", "Refuse outright and ask the customer to leave"),
            ("不詢問任何問題，立即付款", "Pay out at once without asking anything"),
            ("建議客戶改到他行提領", "Suggest withdrawing at another bank"),
        ],
        answer="A",
    ),
    multiple(
        Area.FINANCE, 3,
        "下列哪些屬於銀行的作業風險事件？",
        "Which of these are operational-risk events for a bank?",
        [
            ("員工挪用客戶款項", "An employee misappropriating customers' money"),
            ("系統當機導致交易中斷", "A system outage interrupting transactions"),
            ("市場利率變動造成債券評價損失", "A valuation loss on bonds from a change in market rates"),
            ("外部人士以偽造文件詐貸", "Fraudsters borrowing with forged documents"),
        ],
        answer="ABD",
    ),
    multiple(
        Area.FINANCE, 3,
        "零售授信中，下列哪些措施可以降低信用風險？",
        "In retail lending, which of these reduce credit risk?",
        [
            ("審慎核實收入與既有負債", "Verifying income and existing debts carefully"),
            ("為加快核貸而簡化徵信", "Cutting credit checks to approve faster"),
            ("設定擔保並採合理的貸款成數", "Taking collateral at a prudent loan-to-value"),
            ("分散授信對象與產業", "Spreading lending across borrowers and industries"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.LAW, 3,
        "銀行發生客戶個人資料外洩時，應採取下列哪些作為？",
        "When customers' personal data leaks from a bank, which of these must it do?",
        [
            ("查明事故並採取應變措施", "Investigate and contain the incident"),
            ("以適當方式通知當事人", "Notify the people affected in a suitable way"),
            ("依規定通報主管機關", "Report to the regulator as required"),
            ("隱匿事件以維護商譽", "Hide the incident to protect the bank's reputation"),
        ],
        answer="ABC",
    ),
    multiple(
        Area.LAW, 3,
        "下列哪些行為違反洗錢防制的保密規定（不得洩露申報資訊）？",
        "Which of these break the anti-money-laundering rule against tipping off?",
        [
            ("告訴客戶其交易已被申報為可疑交易", "Telling the customer their transaction was reported as suspicious"),
            (
                "依內部程序將疑似案件報告專責主管",
                "Reporting a suspected case to the AML officer under internal procedure",
            ),
            ("暗示客戶其帳戶已被列入監控", "Hinting to the customer that their account is being watched"),
            ("向客戶透露銀行正在調查其帳戶", "Letting the customer know the bank is investigating their account"),
        ],
        answer="ACD",
    ),
    true_false(
        Area.PSYCHOLOGY, 2,
        "詐騙集團常製造恐懼與急迫感，使被害人來不及查證。",
        "Fraudsters often create fear and urgency so that victims have no time to check.",
        true=True,
    ),
    true_false(
        Area.PSYCHOLOGY, 2,
        "正依歹徒指示匯款的客戶，通常會主動向行員說明自己受人指示。",
        "A customer wiring money on a fraudster's instructions will usually tell the bank clerk so unprompted.",
        true=False,
    ),
    true_false(
        Area.LAW, 1,
        "把存摺和提款卡借給朋友使用，只要自己沒有參與詐騙，就不會有任何法律責任。",
        "Lending your passbook and ATM card to a friend carries no legal liability as long as you take no part "
        "in any fraud.",
        true=False,
    ),
    true_false(
        Area.LAW, 1,
        "銀行可依相關規定，對疑似涉及詐騙的帳戶列為警示帳戶並暫停交易。",
        "Under the rules, a bank may flag an account suspected of fraud as a warning account and suspend its "
        "transactions.",
        true=True,
    ),
    essay(
        Area.FINANCE, 4,
        "某分行近三個月的個人信用貸款逾期比率明顯上升。請分析可能的原因（客戶面、流程面、外部環境），"
        "並提出貸前、貸中與貸後的改善措施。",
        "A branch's overdue ratio on personal loans has risen clearly over the past three months. Analyse the "
        "likely causes (customers, process, the economy) and propose improvements before, during and after "
        "lending.",
        rubric_zh="原因分析完整（客戶、流程、外部環境）3 分；貸前措施（收入核實、負債比、聯徵查詢）2 分；"
        "貸中措施（核貸權限、擔保與條件）2 分；貸後措施（預警指標、催收分級）2 分；兼顧公平待客與法規 1 分。",
        rubric_en="Causes analysed fully (customers, process, economy) 3; before lending (income checks, debt "
        "ratio, JCIC enquiry) 2; at approval (authority limits, collateral and terms) 2; after lending (early "
        "warning indicators, tiered collection) 2; fair treatment and the rules respected 1.",
    ),
]
# fmt: on

"""BCM-211 《商業銀行對公業務營銷技巧與案例》 Corporate Banking Marketing: Techniques and Cases."""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.FINANCE, 3,
        "進口商擔心賣方不出貨、出口商擔心買方不付款，最適合建議雙方採用哪一種結算方式？",
        "The importer fears the seller will not ship and the exporter fears the buyer will not pay. Which "
        "settlement method suits them best?",
        [
            ("預付貨款的電匯", "Payment in advance by wire transfer"),
            ("跟單信用狀", "A documentary letter of credit"),
            ("寄送支票", "A cheque sent by post"),
            ("交貨時付現", "Cash on delivery"),
        ],
        answer="B",
    ),
    single(
        Area.FINANCE, 3,
        "企業三個月後要支付一筆美元貨款，擔心新臺幣貶值，可建議其採用哪一種避險方式？",
        "A company must pay a US dollar invoice in three months and fears the NT dollar will weaken. Which "
        "hedge would you suggest?",
        [
            ("預售遠期美元", "Sell US dollars forward"),
            ("買進新臺幣定期存款", "Place an NT dollar time deposit"),
            ("預購遠期美元", "Buy US dollars forward"),
            ("發行公司債", "Issue corporate bonds"),
        ],
        answer="C",
    ),
    single(
        Area.MARKETING, 2,
        "對公客戶經理評估一家企業客戶的整體往來貢獻度，下列何者最適當？",
        "How should a corporate customer manager judge what a business customer contributes overall?",
        [
            ("只看放款金額", "By the loan amount alone"),
            ("只看存款金額", "By deposits alone"),
            ("只看企業員工人數", "By the number of employees"),
            (
                "綜合存款、放款、外匯、薪轉等往來的收益與風險",
                "By the income and risk of all its business: deposits, loans, FX, payroll",
            ),
        ],
        answer="D",
    ),
    single(
        Area.MARKETING, 2,
        "企業薪資轉帳業務對銀行最主要的行銷價值是什麼？",
        "What is the main marketing value of a company's payroll account to a bank?",
        [
            ("帶來大量個人客戶與穩定的活期存款", "Many personal customers and stable demand deposits"),
            ("可以收取高額手續費", "High fees"),
            ("可以免除該企業的授信審查", "Exemption from credit review for the company"),
            ("可以取代對該企業的放款", "It replaces lending to the company"),
        ],
        answer="A",
    ),
    single(
        Area.FINANCE, 3,
        "一家營收多以美元計價的出口型電子廠，在新臺幣大幅升值時，其換算成新臺幣的營收通常會？",
        "An electronics exporter bills mostly in US dollars. When the NT dollar strengthens sharply, what "
        "usually happens to its revenue in NT dollars?",
        [
            ("增加", "It rises"),
            ("減少", "It falls"),
            ("不受影響", "It is unaffected"),
            ("只受利率影響，與匯率無關", "It depends only on interest rates, not exchange rates"),
        ],
        answer="B",
    ),
    single(
        Area.FINANCE, 3,
        "產業分析常用的波特五力模型，不包括下列哪一項？",
        "Which of these is not one of Porter's five forces used in industry analysis?",
        [
            ("供應商的議價能力", "The bargaining power of suppliers"),
            ("新進入者的威脅", "The threat of new entrants"),
            ("中央銀行的利率政策", "The central bank's interest-rate policy"),
            ("替代品的威脅", "The threat of substitutes"),
        ],
        answer="C",
    ),
    multiple(
        Area.FINANCE, 3,
        "企業的營運週轉資金需求，可由下列哪些銀行產品支應？",
        "Which of these bank products can meet a company's working-capital needs?",
        [
            ("短期週轉金貸款", "A short-term working-capital loan"),
            ("應收帳款融資", "Receivables financing"),
            ("興建廠房的中長期貸款", "A medium- to long-term loan to build a factory"),
            ("透支額度", "An overdraft facility"),
        ],
        answer="ABD",
    ),
    multiple(
        Area.FINANCE, 3,
        "下列哪些屬於銀行提供企業的現金管理服務？",
        "Which of these are cash-management services a bank offers companies?",
        [
            ("個人信用卡循環信用", "Revolving credit on a personal credit card"),
            ("企業網路銀行整批付款", "Bulk payments through corporate online banking"),
            ("代收貨款", "Collection of receivables"),
            ("資金集中管理（帳戶歸集）", "Cash pooling across accounts"),
        ],
        answer="BCD",
    ),
    multiple(
        Area.LAW, 3,
        "辦理企業授信時，下列哪些資料可用來確認借款人的主體資格與借款權限？",
        "Lending to a company, which of these confirm the borrower's legal standing and authority to borrow?",
        [
            ("公司登記資料", "Its company registration record"),
            ("依章程需要時的董事會借款決議", "A board resolution to borrow, where the articles require one"),
            ("負責人的家族旅遊照片", "Holiday photos of the owner's family"),
            ("負責人的身分證明文件", "The representative's identity documents"),
        ],
        answer="ABD",
    ),
    multiple(
        Area.LAW, 3,
        "為企業開戶進行洗錢防制審查時，銀行應確認下列哪些事項？",
        "In the anti-money-laundering review when a company opens an account, which must the bank establish?",
        [
            ("公司的實質受益人", "The company's beneficial owners"),
            ("公司業務性質、所有權與控制結構", "The nature of its business and its ownership and control structure"),
            ("公司代表人的身分", "Who its representative is"),
            ("公司員工的宗教信仰", "Its employees' religion"),
        ],
        answer="ABC",
    ),
    true_false(
        Area.FINANCE, 2,
        "應收帳款承購是企業將應收帳款轉讓給銀行，以提前取得資金。",
        "In factoring, a company assigns its receivables to a bank to get the cash sooner.",
        true=True,
    ),
    true_false(
        Area.FINANCE, 2,
        "出口押匯是銀行在出口商提示信用狀規定的單據後先行墊付，因此銀行不承擔任何風險。",
        "In export negotiation the bank advances the money once the exporter presents the documents the letter "
        "of credit requires, so the bank bears no risk at all.",
        true=False,
    ),
    true_false(
        Area.MARKETING, 2,
        "透過供應鏈上的核心企業，銀行可以開發其上下游廠商成為客戶。",
        "Through a core company in a supply chain, a bank can win that company's suppliers and buyers as customers.",
        true=True,
    ),
    true_false(
        Area.MARKETING, 2,
        "大型企業客戶的議價能力強，因此對銀行而言沒有開發價值。",
        "Large corporate customers bargain hard, so they are not worth winning for a bank.",
        true=False,
    ),
    essay(
        Area.MARKETING, 4,
        "一家中型機械製造商計畫擴建廠房並拓展東南亞市場。請以客戶經理的角度，設計一套綜合金融服務方案"
        "（授信、外匯與貿易結算、現金管理），並說明你會如何評估與控管風險。",
        "A mid-sized machinery maker plans to expand its plant and enter South-East Asian markets. As its "
        "customer manager, design a package of financial services (credit, foreign exchange and trade "
        "settlement, cash management) and explain how you would assess and control the risks.",
        rubric_zh="需求分析（擴廠的資本支出與營運週轉、出口結算）3 分；產品組合合理（中長期貸款、信用狀與押匯、"
        "遠期外匯避險、現金管理）4 分；風險評估（授信 5P、匯率與國家風險、擔保條件）2 分；條理清楚 1 分。",
        rubric_en="Needs analysed (capital spending on the plant versus working capital, export settlement) 3; a "
        "sound mix of products (a medium-term loan, letters of credit and negotiation, forward FX hedging, cash "
        "management) 4; risks assessed (the 5Ps of credit, currency and country risk, collateral) 2; clear "
        "structure 1.",
    ),
]
# fmt: on

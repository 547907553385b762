"""BCM-101 《銀行客戶經理概論》 Introduction to Bank Customer Management.

Four items here are the ones the demo's simulated year plants for the item analysis
(``supervision.simulation``): single 1 is miskeyed on purpose (option C is right, the key says B:
the analysis flags it, and the program office finds the wrong key), single 2's option D is a
distractor nobody chooses, true-or-false 1 is too easy, and single 3 is the hard one.
"""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.LAW, 2,
        "客戶經理為新開戶的個人客戶確認身分時，依洗錢防制相關規定，下列何者是銀行應採取的做法？",
        "When a customer manager verifies the identity of a new personal customer, which of these must the bank "
        "do under the anti-money-laundering rules?",
        [
            ("只要客戶口頭說明姓名與職業即可", "Accept the customer's own statement of name and occupation"),
            ("以客戶提供的名片核對身分", "Check the identity against the customer's business card"),
            (
                "以可靠、獨立來源的文件核對身分並留存紀錄",
                "Verify it against reliable, independent documents and keep records",
            ),
            ("等客戶第一筆交易超過新臺幣 50 萬元時再確認", "Wait until the first transaction exceeds NT$500,000"),
        ],
        answer="B",  # planted miskey: C is right (see the module's docstring)
    ),
    single(
        Area.LAW, 2,
        "依《金融消費者保護法》，金融消費者向銀行申訴後不滿意處理結果，可向哪個機構申請評議？",
        "Under the Financial Consumer Protection Act, a consumer dissatisfied with how the bank handled a "
        "complaint may apply for a ruling to which body?",
        [
            ("財團法人金融消費評議中心", "The Financial Ombudsman Institution"),
            ("中央銀行", "The Central Bank"),
            ("消費者文教基金會", "The Consumers' Foundation"),
            ("住家所在地的里長辦公室", "The neighbourhood chief's office"),
        ],
        answer="A",
    ),
    single(
        Area.FINANCE, 4,
        "客戶將新臺幣 100 萬元存入年利率 1.2%、按月複利的一年期整存整付定期存款，期滿本利和約為多少元？",
        "A customer puts NT$1,000,000 into a one-year time deposit at 1.2% a year, compounded monthly, "
        "principal and interest paid at maturity. About how much does the customer receive at maturity?",
        [
            ("1,012,000 元", "NT$1,012,000"),
            ("1,012,066 元", "NT$1,012,066"),
            ("1,012,600 元", "NT$1,012,600"),
            ("1,120,000 元", "NT$1,120,000"),
        ],
        answer="B",
    ),
    single(
        Area.FINANCE, 4,
        "客戶以新臺幣 100 萬元在匯率 32.00 時換成美元定存，一年期利率 4%；到期時匯率為 30.40。以新臺幣計算，"
        "這筆投資的報酬率約為？",
        "A customer converts NT$1,000,000 into a US dollar time deposit at 32.00 NT$ per US$, earning 4% for one "
        "year; at maturity the rate is 30.40. In NT dollars, what is the return, roughly?",
        [
            ("+4.0%", "+4.0%"),
            ("+9.2%", "+9.2%"),
            ("−5.0%", "−5.0%"),
            ("−1.2%", "−1.2%"),
        ],
        answer="D",
    ),
    single(
        Area.PUBLIC_RELATIONS, 2,
        "客戶只記得最近股市大漲，就認定股市會繼續上漲。這種心理偏誤稱為？",
        "A customer remembers only the recent stock-market rally and concludes that prices will keep rising. "
        "What is this bias called?",
        [
            ("損失規避", "Loss aversion"),
            ("近因偏誤", "Recency bias"),
            ("定錨效應", "Anchoring"),
            ("稟賦效應", "The endowment effect"),
        ],
        answer="B",
    ),
    single(
        Area.PUBLIC_RELATIONS, 2,
        "客戶來電抱怨時，客戶經理最先應該做的是？",
        "When a customer calls to complain, what should the customer manager do first?",
        [
            ("說明銀行規定，強調不是自己的錯", "Explain the bank's rules and make clear it is not their fault"),
            ("立即轉給主管處理", "Pass the call straight to a supervisor"),
            ("專心傾聽，確認客戶的感受與問題", "Listen closely and confirm the customer's feelings and problem"),
            ("先提供贈品以平息情緒", "Offer a gift first to calm the customer down"),
        ],
        answer="C",
    ),
    multiple(
        Area.MARKETING, 3,
        "下列哪些屬於銀行客戶經理的主要職責？",
        "Which of these are main duties of a bank customer manager?",
        [
            ("開發並維繫客戶關係", "Winning and keeping customer relationships"),
            (
                "了解客戶在授信、結算與理財上的需求，整合銀行產品",
                "Learning the customer's credit, settlement and wealth needs and combining the bank's products",
            ),
            ("核准超過自身授權額度的授信案", "Approving loans above their own authority"),
            ("蒐集市場與同業資訊", "Gathering market and competitor intelligence"),
        ],
        answer="ABD",
    ),
    multiple(
        Area.MARKETING, 3,
        "以行銷組合 4P 分析一張新推出的信用卡時，下列哪些屬於 4P？",
        "Analysing a new credit card with the marketing mix (the 4Ps), which of these belong to the 4Ps?",
        [
            ("資本適足率", "The capital adequacy ratio"),
            ("產品：卡片權益與回饋", "Product: the card's benefits and rewards"),
            ("價格：年費與循環信用利率", "Price: the annual fee and the revolving interest rate"),
            ("推廣：首刷禮與廣告", "Promotion: the first-purchase gift and advertising"),
        ],
        answer="BCD",
    ),
    multiple(
        Area.PUBLIC_RELATIONS, 3,
        "銀行遇到負面新聞時，下列哪些是妥適的危機溝通做法？",
        "When the bank faces negative news, which of these are sound crisis-communication practices?",
        [
            ("由指定發言人統一對外說明", "One designated spokesperson speaks for the bank"),
            ("要求員工在個人社群媒體上各自澄清", "Ask staff to set the record straight on their own social media"),
            ("迅速查明事實並適時公開", "Establish the facts quickly and make them public in good time"),
            ("主動向受影響的客戶說明處理方式", "Tell affected customers, unprompted, what is being done"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.PUBLIC_RELATIONS, 3,
        "客戶經理與客戶往來時，下列哪些符合商務禮儀？",
        "Which of these follow business etiquette when a customer manager meets customers?",
        [
            (
                "遞名片時文字正面朝向對方，雙手遞出",
                "Hand over a business card with both hands, text facing the other person",
            ),
            (
                "餐敘時談論其他客戶的財務狀況以示熟悉",
                "Mention other customers' finances over dinner to show familiarity",
            ),
            ("介紹時先將職位較低者介紹給職位較高者", "Introduce the more junior person to the more senior one first"),
            ("會面後在合理時間內致謝聯繫", "Follow up with thanks within a reasonable time after the meeting"),
        ],
        answer="ACD",
    ),
    true_false(
        Area.LAW, 1,
        "只要親友保證不外流，客戶經理就可以把客戶的帳戶資料提供給他們參考。",
        "A customer manager may show a customer's account details to friends as long as they promise not to "
        "pass them on.",
        true=False,
    ),
    true_false(
        Area.LAW, 1,
        "依《個人資料保護法》，銀行向客戶蒐集個人資料時，應告知蒐集目的與資料類別等事項。",
        "Under the Personal Data Protection Act, a bank collecting personal data from a customer must tell them "
        "the purpose of the collection and the categories of data, among other things.",
        true=True,
    ),
    true_false(
        Area.ECONOMICS, 2,
        "中央銀行調升政策利率，通常會使銀行的存款與放款利率隨之上升。",
        "When the central bank raises its policy rate, banks' deposit and lending rates usually rise with it.",
        true=True,
    ),
    true_false(
        Area.ECONOMICS, 2,
        "通貨膨脹率高於存款利率時，存款的實質利率為正。",
        "When inflation is higher than the deposit rate, the real interest rate on the deposit is positive.",
        true=False,
    ),
    essay(
        Area.MARKETING, 3,
        "某中小企業負責人在本行只有一個活期存款帳戶。請說明身為客戶經理，你如何了解該企業與負責人的需求，"
        "並規劃一套整合授信、結算與理財的服務方案。",
        "The owner of a small business holds only a current account with the bank. As the customer manager, "
        "explain how you would learn the needs of the business and of its owner, and plan a service package "
        "combining credit, settlement and wealth management.",
        rubric_zh="需求探詢方法（KYC、實地拜訪、往來紀錄與財務資料）3 分；企業需求（授信、薪轉、收付款）與"
        "負責人個人需求（理財、保障）各有對應產品 4 分；提及風險與法規（洗錢防制、授信 5P 原則、適合度）2 分；"
        "條理清楚 1 分。",
        rubric_en="How the needs are found (KYC, a site visit, account history and financial data) 3; products "
        "matched both to the business (credit, payroll, collections and payments) and to the owner (wealth "
        "management, protection) 4; risk and rules mentioned (AML, the 5Ps of credit, suitability) 2; clear "
        "structure 1.",
    ),
]
# fmt: on

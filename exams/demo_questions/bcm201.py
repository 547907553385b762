"""BCM-201 《商業銀行客戶開發與客戶關係管理》 Customer Development and Relationship Management."""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.MARKETING, 2,
        "客戶關係管理以 RFM 模型評估客戶價值時，R 代表什麼？",
        "When customer relationship management rates customers with the RFM model, what does R stand for?",
        [
            ("客戶的風險等級（Risk）", "The customer's risk grade"),
            ("最近一次交易距今的時間（Recency）", "How recently the customer last transacted"),
            ("客戶推薦他人的次數（Referral）", "How many referrals the customer made"),
            ("客戶往來的銀行家數", "How many banks the customer uses"),
        ],
        answer="B",
    ),
    single(
        Area.MARKETING, 2,
        "依 80/20 法則，客戶經理安排拜訪時間時應優先考量哪些客戶？",
        "Following the 80/20 rule, which customers should a customer manager visit first?",
        [
            ("所有客戶平均分配時間", "All customers equally"),
            ("最常來電抱怨的客戶", "Those who complain most often"),
            ("貢獻度最高或潛力最大的客戶", "Those who contribute most or have the most potential"),
            ("離分行最近的客戶", "Those nearest the branch"),
        ],
        answer="C",
    ),
    single(
        Area.PSYCHOLOGY, 3,
        "客戶聽完商品說明後表示「我再考慮看看」，客戶經理較適當的回應是？",
        "After hearing about a product, the customer says \"I'll think about it.\" What is the better response?",
        [
            ("立即提出降價以促成交易", "Offer a lower price at once to close the sale"),
            ("告知優惠今天截止，請客戶馬上決定", "Say the offer ends today and press for a decision"),
            ("結束對話，之後不再聯繫", "End the conversation and not follow up"),
            (
                "詢問客戶仍有疑慮的部分，並提供所需資訊",
                "Ask what still concerns the customer and give the information needed",
            ),
        ],
        answer="D",
    ),
    single(
        Area.PSYCHOLOGY, 3,
        "顧問式銷售的 SPIN 提問法中，「I」（Implication，暗示）問題的目的為何？",
        "In SPIN consultative selling, what are implication (I) questions for?",
        [
            (
                "讓客戶意識到問題若不解決會帶來的影響",
                "To make the customer see what leaving the problem unsolved will cost",
            ),
            ("蒐集客戶的基本資料", "To collect the customer's basic details"),
            ("直接提出成交要求", "To ask for the sale"),
            ("介紹產品規格", "To present the product's features"),
        ],
        answer="A",
    ),
    single(
        Area.LAW, 2,
        "客戶經理想利用既有客戶資料推廣新產品，依《個人資料保護法》，下列何者正確？",
        "A customer manager wants to use existing customers' data to promote a new product. Under the Personal "
        "Data Protection Act, which is right?",
        [
            ("只要是本行客戶，資料即可任意使用", "The bank may use its customers' data as it likes"),
            (
                "可將資料提供合作廠商行銷，無須告知客戶",
                "It may hand the data to partners for marketing without telling customers",
            ),
            (
                "在原蒐集目的外利用，須符合法定情形，例如經當事人同意",
                "Use beyond the original purpose needs a legal ground, such as the customer's consent",
            ),
            ("客戶表示拒絕後，仍可繼續行銷", "It may keep marketing after the customer has refused"),
        ],
        answer="C",
    ),
    single(
        Area.LAW, 2,
        "客戶表示拒絕接受行銷時，依《個人資料保護法》銀行應如何處理？",
        "When a customer refuses marketing, what must the bank do under the Personal Data Protection Act?",
        [
            ("三個月後再停止", "Stop after three months"),
            ("只停止電話行銷，簡訊照常發送", "Stop calls only and keep sending text messages"),
            ("須等客戶提出書面訴訟才停止", "Stop only if the customer sues in writing"),
            ("應即停止利用其個人資料行銷", "Stop using their personal data for marketing at once"),
        ],
        answer="D",
    ),
    multiple(
        Area.MARKETING, 3,
        "開發新企業客戶時，下列哪些名單來源是適當的？",
        "Which of these are proper sources of leads for new business customers?",
        [
            ("既有客戶的上下游廠商", "Suppliers and buyers of existing customers"),
            ("向他行員工購買的客戶名單", "Customer lists bought from another bank's staff"),
            ("公開的公司登記與產業資訊", "Public company registrations and industry information"),
            ("商會與產業公會的活動", "Chamber of commerce and trade association events"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.MARKETING, 3,
        "下列哪些可能是客戶即將流失的預警訊號？",
        "Which of these may warn that a customer is about to leave?",
        [
            ("存款餘額持續大幅下降", "Balances falling steeply month after month"),
            ("薪資轉帳改到他行", "Salary payments moved to another bank"),
            ("多次詢問提前清償貸款的方式", "Repeated questions about repaying the loan early"),
            ("最近新增一筆定期存款", "A new time deposit opened recently"),
        ],
        answer="ABC",
    ),
    multiple(
        Area.PUBLIC_RELATIONS, 2,
        "初次拜訪客戶前，下列哪些是適當的準備？",
        "Which of these are good preparation for a first visit to a customer?",
        [
            ("先了解客戶的產業與公開資訊", "Learn about the customer's industry and public information"),
            ("準備拜訪目的與要提出的問題", "Set the purpose of the visit and the questions to ask"),
            ("預約時間並準時到訪", "Book a time and arrive on time"),
            ("預先備妥讓客戶當場簽名的空白文件", "Bring blank forms for the customer to sign on the spot"),
        ],
        answer="ABC",
    ),
    multiple(
        Area.PUBLIC_RELATIONS, 2,
        "下列哪些是維繫長期客戶關係的恰當做法？",
        "Which of these are appropriate ways to keep a long-term customer relationship?",
        [
            ("定期回訪，檢視客戶需求的變化", "Visit regularly and review how the customer's needs change"),
            ("贈送超出銀行規定價值的禮品", "Give gifts worth more than the bank's rules allow"),
            ("重要節日適度問候", "Send appropriate greetings on important holidays"),
            ("對客戶問題承諾回覆時限並確實遵守", "Promise a reply time for questions and keep to it"),
        ],
        answer="ACD",
    ),
    true_false(
        Area.MARKETING, 1,
        "客戶滿意度高，就代表客戶一定不會轉往他行。",
        "A highly satisfied customer will certainly never move to another bank.",
        true=False,
    ),
    true_false(
        Area.MARKETING, 1,
        "客戶終身價值（CLV）考量的是客戶在整段往來期間可能帶來的貢獻。",
        "Customer lifetime value (CLV) looks at what a customer may contribute over the whole relationship.",
        true=True,
    ),
    true_false(
        Area.PSYCHOLOGY, 2,
        "積極傾聽包括用自己的話複述客戶的重點，以確認自己理解正確。",
        "Active listening includes restating the customer's main points in your own words to check you have "
        "understood.",
        true=True,
    ),
    true_false(
        Area.PSYCHOLOGY, 2,
        "面對情緒激動的客戶，最有效的方式是立即指出客戶說法中的錯誤。",
        "With an upset customer, the most effective approach is to point out the errors in what they say at once.",
        true=False,
    ),
    essay(
        Area.PSYCHOLOGY, 3,
        "一位往來十年的存款大戶因一筆轉帳延誤，在分行大聲抱怨並表示要把資金轉走。請說明你如何處理這次客訴、"
        "挽回客戶關係，以及後續的追蹤。",
        "A customer of ten years with large deposits complains loudly in the branch about a delayed transfer "
        "and says they will move their money. Explain how you would handle the complaint, win back the "
        "relationship and follow up.",
        rubric_zh="安撫情緒、引導至適當場所並積極傾聽 2 分；查明延誤原因，依規定說明與補救 3 分；提出挽回方案並"
        "重建信任 3 分；後續追蹤與向內部反映以改善流程 2 分。",
        rubric_en="Calming the customer, moving to a suitable place and listening actively 2; finding the cause of "
        "the delay, explaining and putting it right within the rules 3; a plan to win the customer back and "
        "rebuild trust 3; follow-up and feedback inside the bank to fix the process 2.",
    ),
]
# fmt: on

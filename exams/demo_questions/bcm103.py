"""BCM-103 《商業銀行營銷實務與策略》 Commercial Bank Marketing Practice and Strategy."""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.MARKETING, 2,
        "STP 行銷策略中的「T」指的是什麼？",
        "In the STP approach to marketing, what does the T stand for?",
        [
            ("定價（Pricing）", "Pricing"),
            ("通路（Place）", "Place"),
            ("促銷（Promotion）", "Promotion"),
            ("目標市場選擇（Targeting）", "Targeting"),
        ],
        answer="D",
    ),
    single(
        Area.MARKETING, 2,
        "銀行依資產規模把客戶分為一般、貴賓與私人銀行客群，這是行銷中的哪一種做法？",
        "A bank divides its customers into mass, premier and private-banking groups by assets. Which marketing "
        "practice is this?",
        [
            ("市場區隔", "Market segmentation"),
            ("產品生命週期管理", "Product life-cycle management"),
            ("垂直整合", "Vertical integration"),
            ("價格戰", "A price war"),
        ],
        answer="A",
    ),
    single(
        Area.MARKETING, 3,
        "以 SWOT 分析本行業務時，「競爭銀行推出更高利率的數位存款」屬於哪一項？",
        "In a SWOT analysis of the bank's business, where does \"a competitor launches a digital deposit with a "
        "higher rate\" belong?",
        [
            ("優勢（Strengths）", "Strengths"),
            ("劣勢（Weaknesses）", "Weaknesses"),
            ("威脅（Threats）", "Threats"),
            ("機會（Opportunities）", "Opportunities"),
        ],
        answer="C",
    ),
    single(
        Area.MARKETING, 3,
        "一張已進入產品生命週期成熟期的信用卡，較適合採取下列哪一種策略？",
        "For a credit card in the maturity stage of its product life cycle, which strategy fits best?",
        [
            ("大幅提高年費以增加收入", "Raise the annual fee sharply to earn more"),
            ("推出差異化權益，鞏固既有持卡人", "Add distinctive benefits and hold on to existing cardholders"),
            ("停止所有推廣活動", "Stop all promotion"),
            ("只開發新客戶，不經營既有客戶", "Chase new customers only and ignore existing ones"),
        ],
        answer="B",
    ),
    single(
        Area.PSYCHOLOGY, 2,
        "依馬斯洛需求層次理論，客戶為保障退休生活而規劃理財，主要對應哪一層需求？",
        "In Maslow's hierarchy of needs, a customer planning investments to secure retirement is mainly "
        "meeting which need?",
        [
            ("生理需求", "Physiological needs"),
            ("社會（歸屬）需求", "Social (belonging) needs"),
            ("自我實現需求", "Self-actualisation"),
            ("安全需求", "Safety needs"),
        ],
        answer="D",
    ),
    single(
        Area.PSYCHOLOGY, 2,
        "客戶對「保本」特別有好感，即使報酬較低也願意選擇，這反映哪一種心理傾向？",
        "A customer warms to anything \"capital-protected\" and accepts a lower return for it. Which tendency "
        "does this show?",
        [
            ("過度自信", "Overconfidence"),
            ("損失規避", "Loss aversion"),
            ("從眾效應", "Herd behaviour"),
            ("光環效應", "The halo effect"),
        ],
        answer="B",
    ),
    multiple(
        Area.MARKETING, 3,
        "服務業行銷由 4P 延伸為 7P，新增的是下列哪些要素？",
        "Services marketing extends the 4Ps to 7Ps. Which of these are the added elements?",
        [
            ("人員（People）", "People"),
            ("流程（Process）", "Process"),
            ("利潤（Profit）", "Profit"),
            ("實體環境（Physical evidence）", "Physical evidence"),
        ],
        answer="ABD",
    ),
    multiple(
        Area.MARKETING, 3,
        "銀行推廣數位帳戶，下列哪些是可衡量成效的指標？",
        "Promoting a digital account, which of these are measures of the campaign's results?",
        [
            ("新開戶數", "Accounts opened"),
            ("競爭銀行的員工人數", "The number of staff at competing banks"),
            ("開戶後三個月的活躍率", "The share still active three months after opening"),
            ("每位新客戶的獲客成本", "The cost of acquiring each new customer"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.PUBLIC_RELATIONS, 3,
        "銀行經營社群媒體品牌時，下列哪些做法恰當？",
        "Which of these are appropriate for a bank building its brand on social media?",
        [
            ("內容遵循金融廣告規範並揭露風險", "Follow the financial advertising rules and disclose risks"),
            ("在公開留言中回覆客戶的帳戶餘額", "Answer a customer's account balance in a public comment"),
            ("在合理時間內回應客戶留言", "Reply to customers' comments within a reasonable time"),
            ("建立貼文內容的審核流程", "Have posts reviewed before they go out"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.PUBLIC_RELATIONS, 3,
        "銀行為理財商品所做的廣告，下列哪些是應遵守的原則？",
        "Which of these principles must a bank's advertising of investment products follow?",
        [
            ("以過去績效暗示未來收益必然相同", "Imply that past performance will certainly repeat"),
            ("不得保證獲利", "Never promise a profit"),
            ("揭露主要風險", "Disclose the main risks"),
            ("內容與實際商品條件一致", "Match the product's actual terms"),
        ],
        answer="BCD",
    ),
    true_false(
        Area.MARKETING, 1,
        "交叉銷售是向既有客戶推薦其尚未使用的本行其他產品。",
        "Cross-selling means offering existing customers other products of the bank that they do not use yet.",
        true=True,
    ),
    true_false(
        Area.MARKETING, 1,
        "一般而言，留住既有客戶的成本比開發同樣數量的新客戶更高。",
        "Keeping existing customers generally costs more than winning the same number of new ones.",
        true=False,
    ),
    true_false(
        Area.FINANCE, 2,
        "景氣擴張期企業資金需求增加，通常有利於銀行放款成長。",
        "In an economic expansion, businesses need more funds, which usually helps bank lending grow.",
        true=True,
    ),
    true_false(
        Area.FINANCE, 2,
        "物價普遍下跌（通貨緊縮）時，債務人的實質還款負擔會減輕。",
        "When prices fall across the board (deflation), the real burden of debt on borrowers becomes lighter.",
        true=False,
    ),
    essay(
        Area.MARKETING, 3,
        "本行將推出以 25 至 35 歲上班族為對象的數位存款帳戶。請以 STP 與 4P 規劃其行銷策略，並說明你會如何衡量成效。",
        "The bank is launching a digital deposit account for office workers aged 25 to 35. Plan its marketing "
        "with STP and the 4Ps, and explain how you would measure the results.",
        rubric_zh="區隔、目標市場與定位清楚 3 分；產品、價格、通路、推廣四要素具體且彼此一致 4 分；成效指標可衡量"
        "（如開戶數、活躍率、獲客成本）2 分；提及法規（金融廣告、個人資料保護）1 分。",
        rubric_en="Clear segmentation, target and positioning 3; product, price, place and promotion specific and "
        "consistent with each other 4; measurable results (accounts opened, activity rate, acquisition cost) 2; "
        "the rules mentioned (financial advertising, personal data) 1.",
    ),
]
# fmt: on

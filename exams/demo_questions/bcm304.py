"""BCM-304 《商業銀行投資銀行業務》 Investment Banking at Commercial Banks."""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.FINANCE, 3,
        "企業首次公開發行股票（IPO）時，主要協助企業規劃發行與承銷的是？",
        "In an initial public offering (IPO), who mainly helps the company plan the issue and underwrite it?",
        [
            ("中央存款保險公司", "The Central Deposit Insurance Corporation"),
            ("金融聯合徵信中心", "The Joint Credit Information Center"),
            ("證券承銷商", "The securities underwriter"),
            ("會計師公會", "The accountants' association"),
        ],
        answer="C",
    ),
    single(
        Area.FINANCE, 3,
        "承銷商以「包銷」方式承銷證券時，下列何者正確？",
        "When an underwriter takes on an issue on a firm-commitment basis, which is right?",
        [
            ("未售出的部分退還發行公司", "Unsold securities go back to the issuer"),
            ("承銷商須承擔未售出部分的風險", "The underwriter bears the risk of what is unsold"),
            ("承銷商不承擔任何風險", "The underwriter bears no risk"),
            ("只能承銷政府公債", "Only government bonds can be underwritten so"),
        ],
        answer="B",
    ),
    single(
        Area.LAW, 3,
        "企業併購前進行盡職調查（Due Diligence）的主要目的為何？",
        "What is the main purpose of due diligence before an acquisition?",
        [
            ("了解目標公司的財務、法律與營運風險", "To understand the target's financial, legal and operating risks"),
            ("取代董事會決議", "To replace the board's resolution"),
            ("規避主管機關審查", "To avoid review by the regulator"),
            ("決定合併後的公司名稱", "To choose the merged company's name"),
        ],
        answer="A",
    ),
    single(
        Area.LAW, 3,
        "依《企業併購法》，兩家公司合併後，消滅公司的權利義務如何處理？",
        "Under the Business Mergers and Acquisitions Act, what happens to the rights and obligations of the "
        "company dissolved in a merger?",
        [
            ("全部隨之消滅", "They lapse"),
            ("由原股東個人承擔", "The former shareholders take them on personally"),
            ("由往來銀行承擔", "The company's bank takes them on"),
            ("由存續或新設公司概括承受", "The surviving or new company assumes them all"),
        ],
        answer="D",
    ),
    single(
        Area.FINANCE, 4,
        "某可轉換公司債面額 10 萬元，轉換價格 50 元，可轉換為多少股普通股？",
        "A convertible bond has a face value of NT$100,000 and a conversion price of NT$50. How many ordinary "
        "shares does it convert into?",
        [
            ("500 股", "500 shares"),
            ("5,000 股", "5,000 shares"),
            ("2,000 股", "2,000 shares"),
            ("20,000 股", "20,000 shares"),
        ],
        answer="C",
    ),
    single(
        Area.FINANCE, 4,
        "以本益比法評價，同業平均本益比為 15 倍，目標公司每股盈餘 4 元，估計每股價值約為？",
        "Valuing by the price-earnings method, the peer average P/E is 15 and the target's earnings per share "
        "are NT$4. What is the estimated value per share?",
        [
            ("60 元", "NT$60"),
            ("19 元", "NT$19"),
            ("3.75 元", "NT$3.75"),
            ("11 元", "NT$11"),
        ],
        answer="A",
    ),
    multiple(
        Area.FINANCE, 3,
        "企業籌措長期資金的方式中，下列哪些屬於直接金融？",
        "Among ways of raising long-term funds, which of these are direct finance?",
        [
            ("發行公司債", "Issuing corporate bonds"),
            ("向銀行申請中長期貸款", "A medium- to long-term bank loan"),
            ("現金增資發行新股", "Issuing new shares for cash"),
            ("發行可轉換公司債", "Issuing convertible bonds"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.FINANCE, 3,
        "商業銀行可以提供企業的投資銀行相關服務包括下列哪些？",
        "Which of these investment-banking services can a commercial bank offer companies?",
        [
            ("財務顧問", "Financial advisory"),
            ("聯合授信的籌組", "Arranging syndicated loans"),
            ("依法取得許可後辦理債券承銷", "Bond underwriting, once licensed to"),
            ("向客戶保證股價上漲", "Guaranteeing a customer that the share price will rise"),
        ],
        answer="ABC",
    ),
    multiple(
        Area.LAW, 3,
        "銀行承作併購融資時，應特別注意下列哪些事項？",
        "Financing an acquisition, which of these must a bank pay particular attention to?",
        [
            ("併購價格越高對銀行越有利", "The higher the price paid, the better for the bank"),
            ("併購後的償債能力與現金流量", "Debt-service capacity and cash flow after the deal"),
            ("目標公司的或有負債", "The target's contingent liabilities"),
            ("防範內線交易的資訊保密規範", "Confidentiality rules against insider trading"),
        ],
        answer="BCD",
    ),
    multiple(
        Area.LAW, 3,
        "下列哪些屬於防範利益衝突的資訊防火牆措施？",
        "Which of these are information barriers (Chinese walls) against conflicts of interest?",
        [
            (
                "投資銀行部門與授信、交易部門的資訊隔離",
                "Separating information between investment banking and the lending and trading desks",
            ),
            ("限制員工存取未公開的重大資訊", "Limiting staff access to material non-public information"),
            (
                "將客戶未公開資訊分享給自營交易部門",
                "Sharing a client's non-public information with proprietary trading",
            ),
            ("建立觀察名單與限制名單", "Keeping watch lists and restricted lists"),
        ],
        answer="ABD",
    ),
    true_false(
        Area.FINANCE, 2,
        "資產證券化是把能產生穩定現金流量的資產包裝成證券，出售給投資人。",
        "Securitisation packages assets that produce steady cash flows into securities sold to investors.",
        true=True,
    ),
    true_false(
        Area.FINANCE, 2,
        "公司債持有人是公司的股東，在股東會享有表決權。",
        "Holders of a company's bonds are its shareholders and vote at its general meeting.",
        true=False,
    ),
    true_false(
        Area.FINANCE, 2,
        "市場利率處於低檔時，企業較傾向發行債券籌資。",
        "When market interest rates are low, companies lean towards raising money by issuing bonds.",
        true=True,
    ),
    true_false(
        Area.FINANCE, 2,
        "股市大幅下跌期間，通常是企業辦理 IPO 的最佳時機。",
        "A sharp stock-market fall is usually the best time for a company to go public.",
        true=False,
    ),
    essay(
        Area.FINANCE, 4,
        "一家年營收 30 億元的家族製造業者，擬收購一家上游供應商，並考慮在三年內上市。請說明商業銀行可提供哪些"
        "投資銀行相關服務（融資、顧問、資本市場），以及提供服務時應如何管理利益衝突與法規風險。",
        "A family-owned manufacturer with NT$3 billion annual revenue plans to buy an upstream supplier and is "
        "considering listing within three years. Explain which investment-banking services a commercial bank "
        "can offer (financing, advisory, capital markets) and how it should manage conflicts of interest and "
        "regulatory risk while doing so.",
        rubric_zh="服務項目完整（併購融資、財務顧問、上市前規劃、債券發行）4 分；融資結構與風險評估 2 分；"
        "利益衝突管理（資訊防火牆、內線交易防範、揭露）3 分；條理清楚 1 分。",
        rubric_en="The range of services (acquisition finance, advisory, pre-IPO planning, bond issues) 4; "
        "financing structure and risk assessment 2; conflicts managed (information barriers, insider-trading "
        "controls, disclosure) 3; clear structure 1.",
    ),
]
# fmt: on

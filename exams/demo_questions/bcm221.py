"""BCM-221 《商業銀行零售業務營銷技巧與案例》 Retail Banking Marketing: Techniques and Cases."""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.MARKETING, 2,
        "分行為即將退休的客戶舉辦退休理財講座，屬於哪一種行銷方式？",
        "A branch holds a retirement-planning seminar for customers about to retire. What kind of marketing "
        "is this?",
        [
            ("電話行銷", "Telemarketing"),
            ("價格促銷", "A price promotion"),
            ("活動（事件）行銷", "Event marketing"),
            ("大眾媒體廣告", "Mass-media advertising"),
        ],
        answer="C",
    ),
    single(
        Area.MARKETING, 2,
        "信用卡的「首刷禮」主要屬於行銷組合 4P 中的哪一項？",
        "A credit card's first-purchase gift belongs mainly to which of the 4Ps?",
        [
            ("推廣（Promotion）", "Promotion"),
            ("產品（Product）", "Product"),
            ("通路（Place）", "Place"),
            ("價格（Price）", "Price"),
        ],
        answer="A",
    ),
    single(
        Area.FINANCE, 3,
        "房貸採「本息平均攤還」且利率不變時，下列敘述何者正確？",
        "For a mortgage repaid in equal instalments of principal and interest at an unchanged rate, which is "
        "right?",
        [
            ("每期償還的本金相同", "The principal repaid is the same each month"),
            (
                "每期還款金額相同，前期利息所占比例較高",
                "Each instalment is the same, with more of it interest at first",
            ),
            ("每期支付的利息相同", "The interest paid is the same each month"),
            ("前期還款中本金所占比例較高", "Early instalments are mostly principal"),
        ],
        answer="B",
    ),
    single(
        Area.FINANCE, 3,
        "客戶貸款 100 萬元，年利率 3%，採「本金平均攤還」分 20 年還款，第一個月應付利息約為多少？",
        "A customer borrows NT$1,000,000 at 3% a year, repaying equal principal over 20 years. About how "
        "much interest is due in the first month?",
        [
            ("3,000 元", "NT$3,000"),
            ("4,167 元", "NT$4,167"),
            ("7,500 元", "NT$7,500"),
            ("2,500 元", "NT$2,500"),
        ],
        answer="D",
    ),
    single(
        Area.PSYCHOLOGY, 2,
        "客戶面對太多理財商品可選，反而遲遲無法做決定，這種現象稱為？",
        "Faced with too many investment products, a customer cannot decide at all. What is this called?",
        [
            ("選擇過載", "Choice overload"),
            ("錨定效應", "Anchoring"),
            ("確認偏誤", "Confirmation bias"),
            ("光環效應", "The halo effect"),
        ],
        answer="A",
    ),
    single(
        Area.PSYCHOLOGY, 2,
        "客戶經理先介紹高價方案、再介紹中價方案，使客戶覺得中價方案較划算，運用的是哪一種心理效應？",
        "A customer manager presents an expensive plan first, then a mid-priced one, so the second seems a "
        "bargain. Which effect is at work?",
        [
            ("損失規避", "Loss aversion"),
            ("從眾效應", "Herd behaviour"),
            ("錨定效應", "Anchoring"),
            ("稟賦效應", "The endowment effect"),
        ],
        answer="C",
    ),
    multiple(
        Area.LAW, 3,
        "銀行向一般客戶銷售基金或結構型商品時，依金融消費者保護相關規定應做到哪些事？",
        "Selling funds or structured products to retail customers, what must a bank do under the financial "
        "consumer protection rules?",
        [
            ("強調保證獲利以促成交易", "Stress guaranteed returns to close the sale"),
            ("評估客戶的風險承受度（KYC）", "Assess the customer's risk tolerance (KYC)"),
            ("只推介與客戶風險屬性相符的商品", "Recommend only products matching the customer's risk profile"),
            ("充分揭露費用與風險", "Disclose fees and risks fully"),
        ],
        answer="BCD",
    ),
    multiple(
        Area.LAW, 3,
        "銀行向高齡客戶銷售投資商品，下列哪些是妥適的做法？",
        "Which of these are proper when selling investment products to elderly customers?",
        [
            ("確認客戶確實理解商品風險", "Make sure the customer really understands the risks"),
            ("建議將全部退休金投入高風險商品", "Suggest putting the whole pension into high-risk products"),
            ("必要時請家屬或見證人在場", "Where needed, have a family member or witness present"),
            ("評估商品是否符合其財務狀況與需求", "Check the product fits their finances and needs"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.MARKETING, 3,
        "下列哪些是零售銀行常見且適當的交叉銷售情境？",
        "Which of these are common, appropriate cross-selling situations in retail banking?",
        [
            ("房貸客戶搭配住宅火險及地震基本保險", "Fire and basic earthquake insurance for a mortgage customer"),
            ("薪轉客戶推薦信用卡", "A credit card for a payroll customer"),
            ("定存到期時與客戶檢視理財需求", "Reviewing investment needs when a time deposit matures"),
            ("向未成年人推銷信用卡循環信用", "Revolving credit offered to a minor"),
        ],
        answer="ABC",
    ),
    multiple(
        Area.MARKETING, 3,
        "經營數位通路時，下列哪些做法能在合規前提下提高申辦轉換率？",
        "Which of these raise online application conversion while staying within the rules?",
        [
            ("簡化線上申辦流程", "Simplify the online application"),
            ("未經同意大量發送行銷簡訊", "Send bulk marketing texts without consent"),
            ("經客戶同意後推送與其屬性相關的優惠", "With consent, send offers relevant to the customer"),
            ("在申辦頁面清楚揭露費率", "Show fees and rates clearly on the application page"),
        ],
        answer="ACD",
    ),
    true_false(
        Area.FINANCE, 2,
        "信用卡循環信用利率通常高於一般信用貸款，只繳最低應繳金額會累積較高的利息。",
        "Credit-card revolving rates are usually higher than personal-loan rates, so paying only the minimum "
        "builds up a lot of interest.",
        true=True,
    ),
    true_false(
        Area.FINANCE, 2,
        "提前清償房貸，一律不必負擔任何違約金。",
        "Repaying a mortgage early never carries a prepayment penalty.",
        true=False,
    ),
    true_false(
        Area.PSYCHOLOGY, 1,
        "客戶經理儀容專業、守時守信，有助於建立客戶的信任。",
        "A customer manager who looks professional, is punctual and keeps promises earns customers' trust more "
        "easily.",
        true=True,
    ),
    true_false(
        Area.PSYCHOLOGY, 1,
        "客戶口頭說「好」，就代表已完全理解商品風險，不必再確認。",
        "If the customer says \"fine\", they have fully understood the product's risks and nothing more needs "
        "checking.",
        true=False,
    ),
    essay(
        Area.FINANCE, 3,
        "一對 35 歲的夫妻，月收入合計 12 萬元，育有一名幼兒，計畫五年內購屋。請為他們規劃零售銀行的產品組合"
        "（儲蓄、保障、購屋準備、信用卡等），並說明你如何遵循適合度原則。",
        "A couple aged 35 earn NT$120,000 a month together, have a young child and plan to buy a home within "
        "five years. Plan a set of retail banking products for them (savings, protection, saving for the home, "
        "cards and so on) and explain how you respect suitability.",
        rubric_zh="分析需求與財務狀況（緊急預備金、負債比）3 分；產品組合合理並說明理由 3 分；購屋準備（頭期款、"
        "可負擔的房貸月付、利率與寬限期）2 分；適合度評估與風險揭露 2 分。",
        rubric_en="Needs and finances analysed (emergency fund, debt ratio) 3; a sensible set of products with "
        "reasons 3; preparing to buy (down payment, an affordable monthly mortgage payment, rates and grace "
        "periods) 2; suitability assessed and risks disclosed 2.",
    ),
]
# fmt: on

"""BCM-302 《財富管理》 Wealth Management."""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.FINANCE, 3,
        "資產配置強調「分散投資」，主要目的是什麼？",
        "Asset allocation stresses diversification. What is its main purpose?",
        [
            ("消除所有投資風險", "To remove all investment risk"),
            ("降低個別資產特有的非系統性風險", "To reduce unsystematic risk specific to single assets"),
            ("保證投資報酬", "To guarantee a return"),
            ("增加交易手續費收入", "To earn more trading fees"),
        ],
        answer="B",
    ),
    single(
        Area.FINANCE, 3,
        "夏普比率（Sharpe ratio）衡量的是什麼？",
        "What does the Sharpe ratio measure?",
        [
            ("基金的資產規模", "A fund's size"),
            ("股票的股息殖利率", "A share's dividend yield"),
            ("每承擔一單位總風險所獲得的超額報酬", "Excess return per unit of total risk"),
            ("投資組合的週轉率", "A portfolio's turnover"),
        ],
        answer="C",
    ),
    single(
        Area.TAXATION, 3,
        "依《遺產及贈與稅法》，以 2024 年適用標準，每位贈與人每年的贈與稅免稅額為多少？",
        "Under the Estate and Gift Tax Act, as applied in 2024, how much may each donor give each year free of "
        "gift tax?",
        [
            ("220 萬元", "NT$2.2 million"),
            ("1,333 萬元", "NT$13.33 million"),
            ("100 萬元", "NT$1 million"),
            ("244 萬元", "NT$2.44 million"),
        ],
        answer="D",
    ),
    single(
        Area.TAXATION, 3,
        "依《遺產及贈與稅法》，以 2024 年適用標準，遺產稅的免稅額為多少？",
        "Under the Estate and Gift Tax Act, as applied in 2024, what is the estate tax exemption?",
        [
            ("1,333 萬元", "NT$13.33 million"),
            ("244 萬元", "NT$2.44 million"),
            ("1,200 萬元", "NT$12 million"),
            ("5,000 萬元", "NT$50 million"),
        ],
        answer="A",
    ),
    single(
        Area.PSYCHOLOGY, 2,
        "客戶在股價下跌時不願停損，上漲時卻急著獲利了結，這種現象稱為？",
        "A customer refuses to cut losing positions but rushes to sell winners. What is this called?",
        [
            ("羊群效應", "Herding"),
            ("可得性偏誤", "Availability bias"),
            ("處分效應", "The disposition effect"),
            ("過度自信", "Overconfidence"),
        ],
        answer="C",
    ),
    single(
        Area.PSYCHOLOGY, 2,
        "客戶因為近期新聞大量報導某產業，便高估了該產業的投資機會，屬於哪一種偏誤？",
        "Because an industry is all over the news, a customer overrates its investment prospects. Which bias "
        "is this?",
        [
            ("可得性偏誤", "Availability bias"),
            ("處分效應", "The disposition effect"),
            ("損失規避", "Loss aversion"),
            ("心理帳戶", "Mental accounting"),
        ],
        answer="A",
    ),
    multiple(
        Area.FINANCE, 3,
        "關於信託，下列哪些敘述正確？",
        "Which of these statements about trusts are right?",
        [
            ("信託財產應與受託人的自有財產分別管理", "Trust property is kept apart from the trustee's own property"),
            ("委託人可為自己或他人的利益成立信託", "A settlor may set up a trust for their own benefit or another's"),
            ("受託人可將信託財產挪為自用", "The trustee may use trust property for itself"),
            (
                "安養信託可協助高齡者保障生活與醫療費用",
                "A care trust can secure an elderly person's living and medical costs",
            ),
        ],
        answer="ABD",
    ),
    multiple(
        Area.FINANCE, 3,
        "銀行理財專員執行業務時，下列哪些是禁止的行為？",
        "Which of these are forbidden to a bank's wealth-management advisers?",
        [
            ("代客戶保管存摺與印鑑", "Keeping customers' passbooks and seals"),
            ("依客戶風險屬性推介適合的商品", "Recommending products that suit the customer's risk profile"),
            ("與客戶有私人資金往來", "Lending to or borrowing from customers privately"),
            ("未經授權以客戶名義自行操作交易", "Trading in the customer's name without authority"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.FINANCE, 4,
        "下列哪些情況通常會使既有債券的價格下跌？",
        "Which of these usually make the price of an existing bond fall?",
        [
            ("市場利率上升", "Market interest rates rise"),
            ("市場利率下降", "Market interest rates fall"),
            ("發行公司的信用評等被調降", "The issuer's credit rating is cut"),
            ("市場預期通膨升高", "The market expects higher inflation"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.FINANCE, 4,
        "依生命週期理財規劃，下列哪些敘述合理？",
        "Following life-cycle financial planning, which of these are sensible?",
        [
            (
                "年輕時風險承受能力較高，可提高股票類資產的比重",
                "When young, risk capacity is higher, so more can go into equities",
            ),
            ("接近退休時，逐步降低高波動資產的比重", "Nearing retirement, gradually cut the share of volatile assets"),
            ("應先預留足夠的緊急預備金", "Set aside an adequate emergency fund first"),
            ("退休後將全部資金投入單一高收益債券", "At retirement, put everything into a single high-yield bond"),
        ],
        answer="ABC",
    ),
    true_false(
        Area.TAXATION, 2,
        "依《所得基本稅額條例》，受益人與要保人非同一人的人壽保險及年金保險給付，應計入基本所得額（死亡給付在一定金額內免計入）。",
        "Under the Income Basic Tax Act, life and annuity insurance benefits paid to a beneficiary who is not "
        "the policyholder count towards basic income (death benefits only above a set amount).",
        true=True,
    ),
    true_false(
        Area.TAXATION, 2,
        "個人的海外所得，不論金額多少都不必在臺灣申報任何稅。",
        "A person's overseas income never has to be reported for any tax in Taiwan, however large it is.",
        true=False,
    ),
    true_false(
        Area.FINANCE, 2,
        "投資型保單的投資風險由保戶自行承擔。",
        "In an investment-linked insurance policy, the policyholder bears the investment risk.",
        true=True,
    ),
    true_false(
        Area.FINANCE, 2,
        "過去績效優良的基金，未來的報酬也一定優良。",
        "A fund that performed well in the past will certainly perform well in the future.",
        true=False,
    ),
    essay(
        Area.FINANCE, 4,
        "一位 58 歲的企業主，資產約新臺幣 8,000 萬元（含自用住宅、公司股權與存款），計畫五年後退休並將事業"
        "傳承給子女。請為其提出財富管理與傳承規劃的建議，並說明應注意的稅務與法規事項。",
        "A 58-year-old business owner has about NT$80 million in assets (home, shares in the company, "
        "deposits), plans to retire in five years and to hand the business to the children. Recommend a "
        "wealth-management and succession plan, and explain the tax and legal points to watch.",
        rubric_zh="需求與風險屬性分析 2 分；退休後現金流規劃與資產配置 3 分；傳承工具（分年贈與、信託、保險）"
        "與稅務（遺產及贈與稅、最低稅負制）3 分；適合度評估與法規遵循 2 分。",
        rubric_en="Needs and risk profile analysed 2; retirement cash flow and asset allocation 3; succession "
        "tools (yearly gifts, trusts, insurance) and tax (estate and gift tax, the alternative minimum tax) 3; "
        "suitability and compliance 2.",
    ),
]
# fmt: on

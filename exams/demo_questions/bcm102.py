"""BCM-102 《銀行客戶經理理論基礎與政策法規》 Theoretical Foundations, Policies and Regulations."""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.ECONOMICS, 2,
        "中央銀行在公開市場買入債券，對市場資金的影響為何？",
        "When the central bank buys bonds in open-market operations, what happens to money in the market?",
        [
            ("收回資金，市場資金減少", "Money is withdrawn: there is less of it"),
            ("釋出資金，市場資金增加", "Money is released: there is more of it"),
            ("市場資金不受影響", "Nothing changes"),
            ("法定存款準備率隨之上升", "The required reserve ratio rises"),
        ],
        answer="B",
    ),
    single(
        Area.ECONOMICS, 2,
        "下列何者屬於中央銀行的貨幣政策工具？",
        "Which of these is a monetary-policy tool of the central bank?",
        [
            ("調整營利事業所得稅率", "Changing the corporate income tax rate"),
            ("編列公共建設預算", "Budgeting for public works"),
            ("調整存款準備率", "Changing the reserve requirement ratio"),
            ("調整全民健保費率", "Changing the national health insurance premium rate"),
        ],
        answer="C",
    ),
    single(
        Area.LAW, 3,
        "依《銀行法》第 32 條，銀行對本行負責人、職員或主要股東等利害關係人辦理授信，有何限制？",
        "Under Article 32 of the Banking Act, what limit applies to a bank's credit to related parties such as "
        "its own directors, employees or major shareholders?",
        [
            (
                "不得為無擔保授信（消費者貸款及對政府貸款除外）",
                "No unsecured credit (consumer loans and loans to the government aside)",
            ),
            ("沒有任何限制", "There is no limit"),
            ("經董事長同意即可為無擔保授信", "Unsecured credit is allowed with the chairman's consent"),
            ("一律禁止任何授信，包括擔保授信", "All credit is banned, secured credit included"),
        ],
        answer="A",
    ),
    single(
        Area.LAW, 3,
        "依洗錢防制相關規定，銀行對新臺幣 50 萬元以上的現金交易，應向哪個機關申報？",
        "Under the anti-money-laundering rules, to which authority does a bank report cash transactions of "
        "NT$500,000 or more?",
        [
            ("金融監督管理委員會", "The Financial Supervisory Commission"),
            ("中央銀行", "The Central Bank"),
            ("財政部國稅局", "The National Taxation Bureau"),
            ("法務部調查局", "The Investigation Bureau of the Ministry of Justice"),
        ],
        answer="D",
    ),
    single(
        Area.TAXATION, 3,
        "個人在國內銀行的存款利息，屬於綜合所得稅的哪一類所得？",
        "Interest a person earns on deposits with a Taiwanese bank is which category of consolidated income?",
        [
            ("財產交易所得", "Property transaction income"),
            (
                "利息所得，可適用儲蓄投資特別扣除額",
                "Interest income, eligible for the special deduction for savings and investment",
            ),
            ("其他所得", "Other income"),
            ("分離課稅，不併入綜合所得", "Taxed separately, outside consolidated income"),
        ],
        answer="B",
    ),
    single(
        Area.TAXATION, 3,
        "依《加值型及非加值型營業稅法》，銀行經營銀行本業的銷售額（如放款利息收入），營業稅稅率為何？",
        "Under the Value-added and Non-value-added Business Tax Act, what business-tax rate applies to a bank's "
        "sales from its core banking business, such as loan interest?",
        [
            ("0%", "0%"),
            ("1%", "1%"),
            ("5%", "5%"),
            ("2%", "2%"),
        ],
        answer="C",
    ),
    multiple(
        Area.LAW, 3,
        "依洗錢防制相關規定，下列哪些情形銀行應確認客戶身分？",
        "Under the anti-money-laundering rules, in which of these cases must a bank verify the customer's identity?",
        [
            ("與客戶建立業務關係時", "When it starts a business relationship with the customer"),
            ("客戶每次查詢存款餘額時", "Each time the customer checks an account balance"),
            ("辦理一定金額以上的臨時性交易時", "For an occasional transaction above the set amount"),
            ("發現疑似洗錢或資恐交易時", "When money laundering or terrorist financing is suspected"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.LAW, 3,
        "下列哪些是《金融消費者保護法》對金融服務業的要求？",
        "Which of these does the Financial Consumer Protection Act require of financial service providers?",
        [
            (
                "訂約前充分說明商品重要內容並揭露風險",
                "Explain a product's key terms and disclose its risks before the contract",
            ),
            ("確保商品或服務適合金融消費者", "Make sure the product or service suits the consumer"),
            ("保證投資型商品不會虧損", "Guarantee that investment products will not lose money"),
            ("以公平合理原則訂定契約", "Draw up contracts on fair and reasonable terms"),
        ],
        answer="ABD",
    ),
    multiple(
        Area.ECONOMICS, 3,
        "下列哪些存款在中央存款保險公司的保障範圍內？",
        "Which of these deposits does the Central Deposit Insurance Corporation cover?",
        [
            ("新臺幣活期存款", "NT dollar demand deposits"),
            ("外幣存款", "Foreign-currency deposits"),
            ("新臺幣定期存款", "NT dollar time deposits"),
            ("可轉讓定期存單", "Negotiable certificates of deposit"),
        ],
        answer="AC",
    ),
    multiple(
        Area.ECONOMICS, 3,
        "下列哪些屬於貨幣市場工具？",
        "Which of these are money-market instruments?",
        [
            ("國庫券", "Treasury bills"),
            ("十年期政府公債", "Ten-year government bonds"),
            ("商業本票", "Commercial paper"),
            ("可轉讓定期存單", "Negotiable certificates of deposit"),
        ],
        answer="ACD",
    ),
    true_false(
        Area.ECONOMICS, 2,
        "國內生產毛額（GDP）衡量一國境內在一定期間所生產最終商品與勞務的市場價值。",
        "Gross domestic product (GDP) measures the market value of the final goods and services produced within "
        "a country in a given period.",
        true=True,
    ),
    true_false(
        Area.ECONOMICS, 2,
        "新臺幣對美元升值，通常會使出口廠商換算成新臺幣的營收增加。",
        "A stronger NT dollar against the US dollar usually raises exporters' revenue in NT dollars.",
        true=False,
    ),
    true_false(
        Area.TAXATION, 2,
        "個人出售上市櫃股票的證券交易所得目前停止課徵所得稅，但賣出時仍須繳納證券交易稅。",
        "Income tax on an individual's gains from selling listed shares is currently suspended, but securities "
        "transaction tax is still paid on the sale.",
        true=True,
    ),
    true_false(
        Area.TAXATION, 2,
        "銀行存款利息不論金額大小，都不必在綜合所得稅中申報。",
        "Bank deposit interest never needs to be reported for consolidated income tax, however large it is.",
        true=False,
    ),
    essay(
        Area.LAW, 4,
        "請說明銀行洗錢防制中「認識客戶」（KYC）與客戶審查應包含哪些步驟，並舉例說明客戶經理發現可疑交易時"
        "應如何處理。",
        "Describe the steps of know-your-customer (KYC) and customer due diligence in a bank's anti-money-"
        "laundering programme, and give an example of what a customer manager should do on noticing a "
        "suspicious transaction.",
        rubric_zh="以可靠、獨立來源文件辨識與驗證身分 2 分；辨識實質受益人 2 分；風險基礎評估與持續監控 2 分；"
        "可疑交易的處理（依內部程序向專責單位通報、由銀行向調查局申報、不得向客戶洩露）3 分；舉例切合實務 1 分。",
        rubric_en="Identity verified against reliable, independent documents 2; the beneficial owner identified 2; "
        "a risk-based assessment and ongoing monitoring 2; handling a suspicious transaction (report it to the "
        "AML unit under internal procedure, the bank files with the Investigation Bureau, no tipping-off) 3; a "
        "realistic example 1.",
    ),
]
# fmt: on

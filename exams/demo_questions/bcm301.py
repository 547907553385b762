"""BCM-301 《當前金融熱點與產業分析》 Current Financial Issues and Industry Analysis."""

from exams.models import KnowledgeArea as Area

from .kit import essay, multiple, single, true_false

# fmt: off
QUESTIONS = [
    single(
        Area.ECONOMICS, 3,
        "殖利率曲線出現倒掛（短期利率高於長期利率），市場通常如何解讀？",
        "When the yield curve inverts (short-term rates above long-term rates), how does the market usually "
        "read it?",
        [
            ("企業獲利將加速成長", "Company profits will accelerate"),
            ("通膨必然上升", "Inflation will certainly rise"),
            ("經濟可能走向衰退的訊號", "A sign that a recession may be coming"),
            ("股市必然大漲", "Stocks will certainly rally"),
        ],
        answer="C",
    ),
    single(
        Area.ECONOMICS, 3,
        "製造業採購經理人指數（PMI）高於 50，通常表示？",
        "A manufacturing purchasing managers' index (PMI) above 50 usually means what?",
        [
            ("製造業景氣處於擴張", "Manufacturing is expanding"),
            ("製造業景氣處於緊縮", "Manufacturing is contracting"),
            ("通膨率已超過 5%", "Inflation is above 5%"),
            ("失業率正在上升", "Unemployment is rising"),
        ],
        answer="A",
    ),
    single(
        Area.FINANCE, 3,
        "ESG 投資中的「G」指的是什麼？",
        "In ESG investing, what does the G stand for?",
        [
            ("政府債券（Government bonds）", "Government bonds"),
            ("公司治理（Governance）", "Governance"),
            ("成長股（Growth）", "Growth stocks"),
            ("綠色能源（Green energy）", "Green energy"),
        ],
        answer="B",
    ),
    single(
        Area.FINANCE, 3,
        "我國推動開放銀行，第一階段開放的是下列哪一類資料？",
        "In Taiwan's open-banking programme, which kind of data was opened in the first phase?",
        [
            ("客戶帳戶資料查詢", "Customers' account information"),
            ("轉帳等交易面資訊", "Transactions such as transfers"),
            ("客戶信用評分", "Customers' credit scores"),
            ("公開資料查詢（如商品資訊）", "Public data, such as product information"),
        ],
        answer="D",
    ),
    single(
        Area.FINANCE, 3,
        "金管會推動的「金融服務業公平待客原則」，不包括下列哪一項？",
        "Which of these is not among the FSC's Principles for Fair Treatment of Customers by financial service "
        "providers?",
        [
            ("商品或服務適合度原則", "Suitability of products and services"),
            ("告知與揭露原則", "Notification and disclosure"),
            ("申訴保障原則", "Complaint protection"),
            ("業績最大化原則", "Maximising sales"),
        ],
        answer="D",
    ),
    single(
        Area.FINANCE, 3,
        "在臺灣提供虛擬資產服務的業者，須遵循下列哪一項規範？",
        "What must a virtual-asset service provider in Taiwan comply with?",
        [
            (
                "洗錢防制相關規定，並向金管會完成洗錢防制登記",
                "The anti-money-laundering rules, including AML registration with the FSC",
            ),
            ("不受任何監理", "No supervision at all"),
            ("須向中央銀行申請銀行執照", "It must obtain a banking licence from the Central Bank"),
            ("由交易所自行訂定規範即可", "Only rules the exchange sets for itself"),
        ],
        answer="A",
    ),
    multiple(
        Area.ECONOMICS, 3,
        "國家發展委員會的景氣領先指標包含下列哪些項目？",
        "Which of these are components of the National Development Council's leading indicators?",
        [
            ("外銷訂單動向指數", "The export orders index"),
            ("失業率", "The unemployment rate"),
            ("股價指數", "The stock price index"),
            ("實質貨幣總計數 M1B", "Real monetary aggregate M1B"),
        ],
        answer="ACD",
    ),
    multiple(
        Area.ECONOMICS, 3,
        "美國聯準會升息，對臺灣可能產生哪些影響？",
        "What effects may a US Federal Reserve rate rise have on Taiwan?",
        [
            ("資金流向美元資產", "Money flows into US dollar assets"),
            ("新臺幣面臨貶值壓力", "Pressure on the NT dollar to weaken"),
            ("國內利率可能跟進上升", "Domestic rates may follow upwards"),
            ("國內企業的美元負債成本下降", "Cheaper US dollar debt for Taiwanese companies"),
        ],
        answer="ABC",
    ),
    multiple(
        Area.FINANCE, 3,
        "下列哪些屬於氣候相關的金融風險？",
        "Which of these are climate-related financial risks?",
        [
            ("極端氣候造成擔保品毀損（實體風險）", "Collateral damaged by extreme weather (physical risk)"),
            (
                "碳費等政策使高碳產業獲利下降（轉型風險）",
                "Policies such as a carbon fee cutting high-carbon industries' profits (transition risk)",
            ),
            ("授信客戶因減碳法規而營運受到影響", "Borrowers whose business is hit by decarbonisation rules"),
            ("銀行員工的年休假天數", "The number of days of annual leave of bank staff"),
        ],
        answer="ABC",
    ),
    multiple(
        Area.FINANCE, 3,
        "進行產業分析時，下列哪些是常用的分析工具？",
        "Which of these are common tools of industry analysis?",
        [
            ("PEST 分析", "PEST analysis"),
            ("客戶生日名單", "A list of customers' birthdays"),
            ("波特五力分析", "Porter's five forces"),
            ("產業生命週期分析", "The industry life cycle"),
        ],
        answer="ACD",
    ),
    true_false(
        Area.ECONOMICS, 2,
        "消費者物價指數（CPI）年增率常被用來衡量通貨膨脹。",
        "The year-on-year change in the consumer price index (CPI) is commonly used to measure inflation.",
        true=True,
    ),
    true_false(
        Area.ECONOMICS, 2,
        "經濟成長率為負值時，物價一定下跌。",
        "When economic growth is negative, prices always fall.",
        true=False,
    ),
    true_false(
        Area.FINANCE, 2,
        "綠色債券募得的資金，應用於具環境效益的投資計畫。",
        "The money raised by a green bond must go to investment projects with environmental benefits.",
        true=True,
    ),
    true_false(
        Area.FINANCE, 2,
        "永續連結貸款（Sustainability-linked loan）的資金用途必須限定於綠色投資計畫。",
        "The proceeds of a sustainability-linked loan must be spent on green investment projects only.",
        true=False,
    ),
    essay(
        Area.ECONOMICS, 4,
        "請選擇一個臺灣的重要產業（例如半導體、綠能或觀光），分析其景氣現況與未來三年的機會與風險，並說明銀行"
        "對此產業的授信與業務發展策略應如何調整。",
        "Choose an important Taiwanese industry (semiconductors, green energy or tourism, for example). "
        "Analyse where its business cycle stands and its opportunities and risks over the next three years, "
        "and explain how a bank should adjust its lending and business strategy towards it.",
        rubric_zh="產業現況描述並有資料佐證 3 分；機會與風險分析（可運用 PEST 或五力）3 分；銀行策略具體"
        "（授信政策、產品設計、風險控管）3 分；結構與表達 1 分。",
        rubric_en="The industry's current state described with evidence 3; opportunities and risks analysed "
        "(PEST or the five forces, for example) 3; a specific bank strategy (credit policy, products, risk "
        "control) 3; structure and writing 1.",
    ),
]
# fmt: on

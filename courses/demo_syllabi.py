# ruff: noqa: E501  (bilingual prose: a sentence stays on its line)
"""The demo's unified syllabi: one for each of the 12 national courses, written for the demo.

Topics carry the knowledge areas of DOMAIN.md section D (the same areas that tag the demo's exam
questions) and add up to each course's class hours (migration 0008). The textbooks are the
program's unified textbooks as a demo imagines them: published by 台灣金融研訓院 (Taiwan Academy of
Banking and Finance, which does publish banking textbooks), with made-up ISBNs whose check digits
are right. BCM-101 also has an earlier version, ended the day before the current one, so the
course page shows how versions follow each other.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from .knowledge import KnowledgeArea as A

IN_FORCE_FROM = datetime.date(2025, 1, 1)
EARLIER_FROM, EARLIER_UNTIL = datetime.date(2022, 1, 1), datetime.date(2024, 12, 31)
PUBLISHER = ("台灣金融研訓院", "Taiwan Academy of Banking and Finance")

# code: outcomes (zh, en), textbook (title zh, title en, edition, year, ISBN), topics
# (title zh, title en, area, class hours), readings (zh, en).
SYLLABI: dict[str, dict[str, Any]] = {
    "BCM-101": {
        "outcomes": [
            (
                "說明銀行客戶經理制度的由來，以及客戶經理在銀行組織中的角色與職責。",
                "Explain where the customer-manager system comes from, and the role and duties of a customer manager in a bank.",
            ),
            (
                "辨識商業銀行的主要業務（存款、授信、結算、理財），並說明各業務如何為銀行創造收益。",
                "Identify a commercial bank's main lines of business (deposits, credit, settlement, wealth management) and how each earns income.",
            ),
            (
                "依職業道德與法令遵循要求，判斷日常客戶往來中的適當行為。",
                "Judge what conduct is proper in everyday dealings with customers, by the rules of professional ethics and compliance.",
            ),
            (
                "以合宜的商務禮儀與客戶建立第一次接觸。",
                "Make a first contact with a customer with the right business etiquette.",
            ),
        ],
        "textbook": ("銀行客戶經理概論", "Introduction to Bank Customer Management", 4, 2024, "9789867261007"),
        "topics": [
            ("客戶經理制度與角色定位", "The customer-manager system and the role it defines", A.MARKETING, "1"),
            (
                "商業銀行業務概覽：存款、授信、結算與理財",
                "Commercial banking at a glance: deposits, credit, settlement and wealth management",
                A.FINANCE,
                "1.5",
            ),
            ("總體經濟環境與銀行經營", "The economy and how a bank earns its living", A.ECONOMICS, "1"),
            ("職業道德、法令遵循與洗錢防制", "Professional ethics, compliance and anti-money-laundering", A.LAW, "1"),
            ("商務禮儀與客戶溝通", "Business etiquette and talking with customers", A.PUBLIC_RELATIONS, "0.5"),
        ],
        "readings": [
            ("《銀行法》第一章〈通則〉", "The Banking Act, chapter 1 (general provisions)"),
            (
                "金融監督管理委員會〈金融服務業公平待客原則〉",
                "Financial Supervisory Commission, Principles of Treating Customers Fairly",
            ),
            (
                "中華民國銀行商業同業公會全國聯合會〈銀行從業人員行為準則〉",
                "Bankers Association of the Republic of China, Code of Conduct for Bank Employees",
            ),
        ],
    },
    "BCM-102": {
        "outcomes": [
            (
                "說明貨幣供給、利率與匯率如何影響銀行的資金成本與客戶需求。",
                "Explain how the money supply, interest rates and exchange rates shape a bank's funding costs and its customers' needs.",
            ),
            (
                "描述中央銀行的貨幣政策工具與金融監理架構。",
                "Describe the central bank's monetary-policy tools and the framework of financial supervision.",
            ),
            (
                "依《銀行法》、《個人資料保護法》與《金融消費者保護法》判斷業務做法是否合規。",
                "Judge whether a business practice complies with the Banking Act, the Personal Data Protection Act and the Financial Consumer Protection Act.",
            ),
            (
                "說明與銀行業務相關的主要稅目及其對客戶的影響。",
                "Explain the main taxes that touch banking business and how they affect customers.",
            ),
        ],
        "textbook": (
            "銀行客戶經理理論基礎與政策法規",
            "Theoretical Foundations, Policies and Regulations for Bank Customer Managers",
            3,
            2024,
            "9789867262073",
        ),
        "topics": [
            (
                "貨幣銀行學基礎：貨幣供給與利率",
                "Money and banking: the money supply and interest rates",
                A.ECONOMICS,
                "1.5",
            ),
            (
                "中央銀行貨幣政策與金融監理架構",
                "Monetary policy and the framework of financial supervision",
                A.ECONOMICS,
                "1",
            ),
            ("《銀行法》與授信相關規範", "The Banking Act and the rules on lending", A.LAW, "1.5"),
            ("個人資料保護與金融消費者保護", "Personal data protection and financial consumer protection", A.LAW, "1"),
            ("銀行業務相關稅制概要", "An overview of the taxes that touch banking business", A.TAXATION, "1"),
        ],
        "readings": [
            (
                "中央銀行理監事聯席會議決議新聞稿（最近四季）",
                "Central Bank of the Republic of China (Taiwan), board meeting press releases (the last four quarters)",
            ),
            ("《金融消費者保護法》", "The Financial Consumer Protection Act"),
            ("《個人資料保護法》", "The Personal Data Protection Act"),
        ],
    },
    "BCM-103": {
        "outcomes": [
            (
                "說明金融服務行銷與一般商品行銷的差異。",
                "Explain how marketing financial services differs from marketing goods.",
            ),
            (
                "為一項銀行商品完成市場區隔、目標市場選擇與定位。",
                "Segment the market, choose a target and position a banking product.",
            ),
            (
                "分析客戶購買金融商品時的決策過程與心理因素。",
                "Analyse how customers decide to buy a financial product, and the psychology behind it.",
            ),
            (
                "規劃一項兼顧品牌形象的分行行銷活動。",
                "Plan a branch marketing campaign that looks after the bank's brand.",
            ),
        ],
        "textbook": (
            "商業銀行營銷實務與策略",
            "Commercial Bank Marketing: Practice and Strategy",
            3,
            2023,
            "9789867263148",
        ),
        "topics": [
            ("金融服務行銷的特性", "What makes marketing financial services different", A.MARKETING, "1"),
            ("市場區隔、目標市場與定位", "Segmentation, targeting and positioning", A.MARKETING, "1.5"),
            ("金融商品組合與定價", "The product mix and pricing of banking products", A.FINANCE, "1"),
            ("客戶購買決策心理", "The psychology of customers' buying decisions", A.PSYCHOLOGY, "1"),
            ("品牌形象與媒體公關", "Brand image and media relations", A.PUBLIC_RELATIONS, "0.5"),
        ],
        "readings": [
            (
                "金融監督管理委員會〈金融服務業從事廣告業務招攬及營業促銷活動辦法〉",
                "Financial Supervisory Commission, Regulations on advertising, solicitation and promotion by financial service enterprises",
            ),
            ("台灣金融研訓院《金融業行銷個案集》", "Taiwan Academy of Banking and Finance, Marketing Cases in Banking"),
        ],
    },
    "BCM-201": {
        "outcomes": [
            (
                "建立目標客戶名單，並規劃拜訪與初次會談。",
                "Build a list of target customers and plan visits and first meetings.",
            ),
            (
                "以顧問式銷售分析客戶需求，提出合適的金融方案。",
                "Analyse a customer's needs by consultative selling and propose a fitting banking solution.",
            ),
            ("依客戶價值分級經營客戶，並規劃交叉銷售。", "Manage customers by their value and plan cross-selling."),
            (
                "妥善處理客戶抱怨，並依個資規範管理客戶資料。",
                "Handle complaints well and keep customer data by the rules on personal data.",
            ),
        ],
        "textbook": (
            "商業銀行客戶開發與客戶關係管理",
            "Customer Development and Relationship Management in Commercial Banking",
            2,
            2024,
            "9789867264213",
        ),
        "topics": [
            ("目標客戶的辨識與名單開發", "Identifying target customers and building prospect lists", A.MARKETING, "2"),
            ("拜訪規劃與初次會談技巧", "Planning visits and conducting first meetings", A.PUBLIC_RELATIONS, "2"),
            ("客戶需求分析與顧問式銷售", "Needs analysis and consultative selling", A.PSYCHOLOGY, "3"),
            ("客戶價值分析與分級管理", "Customer value analysis and tiered customer management", A.ECONOMICS, "2"),
            ("交叉銷售與客戶關係深化", "Cross-selling and deepening the relationship", A.MARKETING, "3"),
            ("客戶抱怨處理與關係修復", "Handling complaints and repairing the relationship", A.PSYCHOLOGY, "2"),
            ("客戶資料管理與個資合規", "Managing customer data within the privacy rules", A.LAW, "2"),
        ],
        "readings": [
            (
                "金融監督管理委員會〈金融服務業確保金融商品或服務適合金融消費者辦法〉",
                "Financial Supervisory Commission, Regulations on ensuring financial products and services suit financial consumers",
            ),
            (
                "金融消費評議中心年度報告（評議案例摘要）",
                "Financial Ombudsman Institution, annual report (summaries of decided cases)",
            ),
        ],
    },
    "BCM-211": {
        "outcomes": [
            (
                "說明企業金融商品（授信、現金管理、貿易融資）及其適用情境。",
                "Explain corporate banking products (credit, cash management, trade finance) and when each fits.",
            ),
            (
                "沿產業鏈與供應鏈找出營銷機會，並理解企業主與財務長的決策方式。",
                "Find marketing openings along industry and supply chains, and understand how owners and CFOs decide.",
            ),
            (
                "說明授信契約、擔保與營利事業所得稅對企業融資方案的影響。",
                "Explain how loan agreements, collateral and business income tax shape a corporate financing plan.",
            ),
            (
                "為一家製造業客戶設計綜合金融方案並提案。",
                "Design and pitch a full banking solution for a manufacturing customer.",
            ),
        ],
        "textbook": (
            "商業銀行對公業務營銷技巧與案例",
            "Corporate Banking Marketing: Techniques and Cases",
            2,
            2023,
            "9789867265289",
        ),
        "topics": [
            (
                "企業金融商品全貌：授信、現金管理與貿易融資",
                "Corporate banking products: credit, cash management and trade finance",
                A.FINANCE,
                "3",
            ),
            ("產業鏈與供應鏈金融營銷", "Marketing along industry and supply chains", A.MARKETING, "3"),
            ("企業主與財務長的決策心理", "How business owners and CFOs make decisions", A.PSYCHOLOGY, "2"),
            ("中小企業融資與信用保證", "SME lending and credit guarantees", A.FINANCE, "2"),
            ("企業授信契約與擔保法律實務", "Corporate loan agreements and collateral in legal practice", A.LAW, "2"),
            ("營利事業所得稅與企業理財", "Business income tax and corporate treasury", A.TAXATION, "2"),
            (
                "案例研討：製造業客戶的綜合金融方案",
                "Case study: a full banking solution for a manufacturer",
                A.MARKETING,
                "2",
            ),
        ],
        "readings": [
            (
                "中小企業信用保證基金〈信用保證業務簡介〉",
                "Small and Medium Enterprise Credit Guarantee Fund of Taiwan, an introduction to credit guarantees",
            ),
            (
                "國際商會《信用狀統一慣例》（UCP 600）",
                "International Chamber of Commerce, Uniform Customs and Practice for Documentary Credits (UCP 600)",
            ),
            (
                "《營利事業所得稅查核準則》",
                "The Regulations Governing the Assessment of Profit-seeking Enterprise Income Tax",
            ),
        ],
    },
    "BCM-212": {
        "outcomes": [
            (
                "閱讀依國際財務報導準則編製的財務報表，並計算主要財務比率。",
                "Read financial statements prepared under IFRS and compute the main financial ratios.",
            ),
            ("分析企業的現金流量與還款來源。", "Analyse a company's cash flows and its sources of repayment."),
            (
                "以授信 5P 原則評估信用，並考量產業與總體經濟風險。",
                "Assess credit by the five Ps of lending, taking industry and macroeconomic risk into account.",
            ),
            (
                "評估擔保品價值，並以稅務申報資料交叉驗證財務報表。",
                "Value collateral, and cross-check financial statements against tax returns.",
            ),
        ],
        "textbook": (
            "商業銀行客戶財務分析與信用評估",
            "Customer Financial Analysis and Credit Assessment",
            3,
            2024,
            "9789867266354",
        ),
        "topics": [
            (
                "財務報表結構與會計原則",
                "The structure of financial statements and accounting principles",
                A.ACCOUNTING,
                "3",
            ),
            (
                "比率分析：償債能力、獲利能力與經營效率",
                "Ratio analysis: solvency, profitability and efficiency",
                A.ACCOUNTING,
                "3",
            ),
            ("現金流量分析與還款來源", "Cash-flow analysis and sources of repayment", A.ACCOUNTING, "2"),
            ("授信 5P 原則與信用評等", "The five Ps of lending and credit rating", A.FINANCE, "3"),
            ("產業與總體經濟風險評估", "Assessing industry and macroeconomic risk", A.ECONOMICS, "2"),
            ("擔保品評價與法律風險", "Valuing collateral and its legal risks", A.LAW, "2"),
            ("稅務申報資料的交叉驗證", "Cross-checking tax returns against the accounts", A.TAXATION, "1"),
        ],
        "readings": [
            (
                "金融監督管理委員會認可之國際財務報導準則（IFRS）",
                "International Financial Reporting Standards as endorsed by the Financial Supervisory Commission",
            ),
            (
                "中華民國銀行商業同業公會全國聯合會〈中華民國銀行公會會員授信準則〉",
                "Bankers Association of the Republic of China, Lending Guidelines for Member Banks",
            ),
        ],
    },
    "BCM-221": {
        "outcomes": [
            (
                "說明個人金融商品（存款、消費金融、房貸）的特性與目標客群。",
                "Explain retail banking products (deposits, consumer loans, mortgages) and who they are for.",
            ),
            (
                "經營薪轉戶、高資產與年輕客群，並運用數位通路與社群行銷。",
                "Serve payroll, affluent and young customers, using digital channels and social media.",
            ),
            (
                "辨識客戶的行為偏誤，並依適合度原則推薦商品。",
                "Recognise customers' behavioural biases and recommend products by the suitability rules.",
            ),
            (
                "說明個人所得稅、贈與稅與遺產稅的基本規定，並規劃社區型分行活動。",
                "Explain the basics of personal income, gift and estate tax, and plan a community branch event.",
            ),
        ],
        "textbook": (
            "商業銀行零售業務營銷技巧與案例",
            "Retail Banking Marketing: Techniques and Cases",
            2,
            2023,
            "9789867267429",
        ),
        "topics": [
            (
                "個人金融商品：存款、消費金融與房貸",
                "Retail products: deposits, consumer loans and mortgages",
                A.FINANCE,
                "3",
            ),
            (
                "客群經營：薪轉戶、高資產與年輕族群",
                "Serving segments: payroll, affluent and young customers",
                A.MARKETING,
                "3",
            ),
            ("數位通路與社群行銷", "Digital channels and social media marketing", A.MARKETING, "2"),
            ("行為財務學與顧客決策偏誤", "Behavioural finance and customers' decision biases", A.PSYCHOLOGY, "2"),
            ("金融消費者保護與適合度評估", "Financial consumer protection and suitability assessment", A.LAW, "2"),
            ("個人所得稅、贈與稅與遺產稅基礎", "Personal income, gift and estate tax: the basics", A.TAXATION, "2"),
            (
                "案例研討：分行活動企劃與社區公關",
                "Case study: a branch event and community relations",
                A.PUBLIC_RELATIONS,
                "2",
            ),
        ],
        "readings": [
            ("《所得稅法》第二章〈綜合所得稅〉", "The Income Tax Act, chapter 2 (individual income tax)"),
            ("《遺產及贈與稅法》", "The Estate and Gift Tax Act"),
            ("台灣金融研訓院《個人金融業務個案集》", "Taiwan Academy of Banking and Finance, Retail Banking Cases"),
        ],
    },
    "BCM-222": {
        "outcomes": [
            (
                "說明零售信用風險的衡量方式，包括評分卡與風險定價。",
                "Explain how retail credit risk is measured, scorecards and risk-based pricing included.",
            ),
            (
                "辨識作業風險、洗錢與詐騙的徵兆，並依內部控制程序處理。",
                "Recognise the signs of operational risk, money laundering and fraud, and act by the internal-control procedures.",
            ),
            ("依法辦理逾期催收與債務協商。", "Handle arrears and debt negotiation within the law."),
            ("處理客戶申訴並降低聲譽風險。", "Handle customer complaints and limit reputational risk."),
        ],
        "textbook": ("商業銀行零售業務風險管理", "Retail Banking Risk Management", 2, 2024, "9789867268495"),
        "topics": [
            ("零售信用風險：評分卡與授信政策", "Retail credit risk: scorecards and lending policy", A.FINANCE, "3"),
            ("房貸與消費貸款的風險定價", "Risk-based pricing of mortgages and consumer loans", A.ECONOMICS, "2"),
            ("作業風險與內部控制", "Operational risk and internal control", A.ACCOUNTING, "2"),
            ("洗錢防制與打擊資恐", "Anti-money-laundering and countering the financing of terrorism", A.LAW, "3"),
            ("詐騙防制與客戶關懷提問", "Fraud prevention and caring questions to ask customers", A.PSYCHOLOGY, "2"),
            ("逾期催收與債務協商", "Collections and debt negotiation", A.LAW, "2"),
            ("申訴處理與聲譽風險", "Complaints and reputational risk", A.PUBLIC_RELATIONS, "2"),
        ],
        "readings": [
            ("《洗錢防制法》", "The Money Laundering Control Act"),
            ("《消費者債務清理條例》", "The Consumer Debt Clearance Act"),
            (
                "金融監督管理委員會〈金融機構辦理國內匯款作業確認客戶身分原則〉",
                "Financial Supervisory Commission, Principles for verifying customers' identity in domestic remittances",
            ),
        ],
    },
    "BCM-301": {
        "outcomes": [
            (
                "解讀全球經濟情勢與利率循環對客戶與銀行的影響。",
                "Read the world economy and the interest-rate cycle for what they mean to customers and the bank.",
            ),
            (
                "說明金融科技、開放銀行與永續金融帶來的機會與風險。",
                "Explain the openings and risks that fintech, open banking and sustainable finance bring.",
            ),
            (
                "完成一份重點產業分析，作為授信與營銷的依據。",
                "Write an industry analysis that lending and marketing can rely on.",
            ),
        ],
        "textbook": (
            "當前金融熱點與產業分析",
            "Current Financial Issues and Industry Analysis",
            5,
            2025,
            "9789867269560",
        ),
        "topics": [
            ("全球經濟情勢與利率循環", "The world economy and the interest-rate cycle", A.ECONOMICS, "2"),
            ("金融科技與開放銀行", "Fintech and open banking", A.FINANCE, "1.5"),
            ("永續金融與 ESG 授信", "Sustainable finance and ESG lending", A.FINANCE, "1.5"),
            (
                "重點產業分析：半導體、綠能與觀光",
                "Industry analysis: semiconductors, green energy and tourism",
                A.ECONOMICS,
                "2",
            ),
            ("國際稅務新規與全球最低稅負", "New international tax rules and the global minimum tax", A.TAXATION, "1"),
        ],
        "readings": [
            (
                "金融監督管理委員會〈綠色金融行動方案 3.0〉",
                "Financial Supervisory Commission, Green Finance Action Plan 3.0",
            ),
            (
                "經濟部〈產業經濟統計簡報〉（最新一期）",
                "Ministry of Economic Affairs, Industrial Economics Statistics Briefing (latest issue)",
            ),
            (
                "經濟合作暨發展組織〈全球反稅基侵蝕規則〉（支柱二）",
                "OECD, Global Anti-Base Erosion Model Rules (Pillar Two)",
            ),
        ],
    },
    "BCM-302": {
        "outcomes": [
            ("依客戶生命週期執行財富管理流程。", "Run the wealth-management process along a customer's life cycle."),
            (
                "運用資產配置與投資組合理論提出配置建議。",
                "Propose an allocation using asset allocation and portfolio theory.",
            ),
            (
                "整合保險、退休、信託與遺贈稅規劃。",
                "Bring insurance, retirement, trust and estate-tax planning together.",
            ),
            ("以合宜的方式與高資產客戶溝通。", "Talk with high-net-worth clients in the way they expect."),
        ],
        "textbook": ("財富管理", "Wealth Management", 6, 2024, "9789867270634"),
        "topics": [
            (
                "財富管理流程與客戶生命週期",
                "The wealth-management process and the customer life cycle",
                A.FINANCE,
                "1.5",
            ),
            ("資產配置與投資組合理論", "Asset allocation and portfolio theory", A.FINANCE, "2"),
            ("保險規劃與退休規劃", "Insurance and retirement planning", A.FINANCE, "1.5"),
            ("信託、遺產與贈與稅規劃", "Trusts, and estate and gift tax planning", A.TAXATION, "1.5"),
            ("高資產客戶的溝通與心理", "Communicating with high-net-worth clients", A.PSYCHOLOGY, "1.5"),
        ],
        "readings": [
            ("《信託法》", "The Trust Act"),
            (
                "中華民國信託業商業同業公會〈信託業辦理高齡者及身心障礙者財產信託業務〉相關規範",
                "Trust Association of the Republic of China, rules on property trusts for the elderly and people with disabilities",
            ),
        ],
    },
    "BCM-303": {
        "outcomes": [
            ("評估投資項目的可行性。", "Assess whether an investment project is feasible."),
            (
                "預測項目現金流量，並以淨現值與內部報酬率評估。",
                "Forecast a project's cash flows and appraise it by net present value and internal rate of return.",
            ),
            (
                "設計專案融資架構，並安排契約與擔保以分配風險。",
                "Structure a project financing and allocate its risks through contracts and security.",
            ),
            ("規劃撥貸後的專案監控。", "Plan how a project is monitored after the loan is drawn."),
        ],
        "textbook": ("金融項目評估與管理", "Financial Project Appraisal and Management", 3, 2023, "9789867271709"),
        "topics": [
            ("投資項目的可行性研究", "Feasibility studies of investment projects", A.ECONOMICS, "1.5"),
            (
                "現金流量預測與資本預算：淨現值與內部報酬率",
                "Cash-flow forecasts and capital budgeting: NPV and IRR",
                A.ACCOUNTING,
                "2",
            ),
            ("專案融資架構與風險分配", "Project finance structures and risk allocation", A.FINANCE, "2"),
            ("專案契約與擔保", "Project contracts and security", A.LAW, "1.5"),
            ("貸後管理與專案監控", "Monitoring a project after the loan is drawn", A.FINANCE, "1"),
        ],
        "readings": [
            ("赤道原則協會〈赤道原則〉第四版", "Equator Principles Association, The Equator Principles (EP4)"),
            ("《促進民間參與公共建設法》", "The Act for Promotion of Private Participation in Infrastructure Projects"),
        ],
    },
    "BCM-304": {
        "outcomes": [
            (
                "說明商業銀行從事投資銀行業務的範圍與法規界線。",
                "Explain what investment-banking business a commercial bank may do, and where the law draws the line.",
            ),
            (
                "說明債券承銷、聯合授信與併購融資的運作。",
                "Explain how bond underwriting, syndicated loans and acquisition finance work.",
            ),
            (
                "以常用方法評估企業價值，並協助企業準備上市櫃。",
                "Value a company by the usual methods and help it prepare for listing.",
            ),
            ("說明投資人關係與資訊揭露的要求。", "Explain what investor relations and disclosure require."),
        ],
        "textbook": ("商業銀行投資銀行業務", "Investment Banking at Commercial Banks", 2, 2025, "9789867272775"),
        "topics": [
            (
                "投資銀行業務概論與法規界線",
                "Investment banking at a commercial bank: its scope and legal limits",
                A.LAW,
                "1.5",
            ),
            ("債券承銷與聯合授信", "Bond underwriting and syndicated loans", A.FINANCE, "2"),
            ("併購融資與企業評價", "Acquisition finance and company valuation", A.ACCOUNTING, "2"),
            ("資本市場與上市櫃輔導", "Capital markets and preparing for a listing", A.FINANCE, "1.5"),
            ("投資人關係與資訊揭露", "Investor relations and disclosure", A.PUBLIC_RELATIONS, "1"),
        ],
        "readings": [
            ("《證券交易法》", "The Securities and Exchange Act"),
            ("《企業併購法》", "The Business Mergers and Acquisitions Act"),
            (
                "臺灣證券交易所〈有價證券上市審查準則〉",
                "Taiwan Stock Exchange, Criteria for Review of Securities Listings",
            ),
        ],
    },
}

# BCM-101's version before the current one: the textbook's third edition, before the anti-money-
# laundering topic was added (its hour went to banking business).
EARLIER_BCM_101: dict[str, Any] = {
    **SYLLABI["BCM-101"],
    "textbook": ("銀行客戶經理概論", "Introduction to Bank Customer Management", 3, 2021, "9789867255846"),
    "topics": [
        ("客戶經理制度與角色定位", "The customer-manager system and the role it defines", A.MARKETING, "1"),
        (
            "商業銀行業務概覽：存款、授信、結算與理財",
            "Commercial banking at a glance: deposits, credit, settlement and wealth management",
            A.FINANCE,
            "2",
        ),
        ("總體經濟環境與銀行經營", "The economy and how a bank earns its living", A.ECONOMICS, "1"),
        ("職業道德與法令遵循", "Professional ethics and compliance", A.LAW, "0.5"),
        ("商務禮儀與客戶溝通", "Business etiquette and talking with customers", A.PUBLIC_RELATIONS, "0.5"),
    ],
}


def texts_of(syllabus: dict[str, Any]) -> dict[str, Any]:
    """The text fields of ``services.do_save_syllabus_version`` for one entry of :data:`SYLLABI`."""
    title_zh, title_en, edition, year, isbn = syllabus["textbook"]
    return {
        "learning_outcomes_zh": "\n".join(zh for zh, _en in syllabus["outcomes"]),
        "learning_outcomes_en": "\n".join(en for _zh, en in syllabus["outcomes"]),
        "textbook_title_zh": title_zh,
        "textbook_title_en": title_en,
        "textbook_edition": edition,
        "textbook_year": year,
        "textbook_isbn": isbn,
        "textbook_publisher_zh": PUBLISHER[0],
        "textbook_publisher_en": PUBLISHER[1],
        "readings_zh": "\n".join(zh for zh, _en in syllabus["readings"]),
        "readings_en": "\n".join(en for _zh, en in syllabus["readings"]),
    }


def topics_of(syllabus: dict[str, Any]) -> list[tuple[str, str, str, Decimal]]:
    return [(zh, en, str(area), Decimal(hours)) for zh, en, area, hours in syllabus["topics"]]

"""Countries, brands, hubs and stock names of the report world.

Everything here is written from general knowledge of how scam reporting looks in
South-East and East Asia, Europe, North America and Oceania; none of it is taken from
crackdown's own generator. Values marked as official (hotlines, brand sites) are
the "hubs" that victims quote and that must never link two reports.
"""

# ---------------------------------------------------------------------------
# Phone numbering plans.
#
# `cc` country calling code; `trunk` the national prefix ("0" or ""), `mobile`
# a list of (subscriber prefix, subscriber length); `nat` and `intl` are digit
# groupings of the national form (with trunk) and of the subscriber number as
# written after +cc. Groupings are lists of alternatives, as people write them.
# ---------------------------------------------------------------------------
PHONE_PLANS = {
    "TH": {"cc": "66", "trunk": "0", "mobile": [("6", 9), ("8", 9), ("9", 9)],
           "nat": [[3, 3, 4], [2, 4, 4], [3, 7]], "intl": [[2, 3, 4], [1, 4, 4]]},
    "MY": {"cc": "60", "trunk": "0", "mobile": [("1", 9), ("11", 10)],
           "nat": [[3, 3, 4], [3, 7], [3, 4, 4]], "intl": [[2, 3, 4], [2, 7]]},
    "SG": {"cc": "65", "trunk": "", "mobile": [("8", 8), ("9", 8)],
           "nat": [[4, 4]], "intl": [[4, 4]]},
    "ID": {"cc": "62", "trunk": "0", "mobile": [("81", 10), ("85", 10), ("87", 11), ("89", 10)],
           "nat": [[4, 4, 4], [4, 4, 3], [4, 8]], "intl": [[3, 4, 4], [3, 8]]},
    "PH": {"cc": "63", "trunk": "0", "mobile": [("9", 10)],
           "nat": [[4, 3, 4], [4, 7]], "intl": [[3, 3, 4]]},
    "VN": {"cc": "84", "trunk": "0", "mobile": [("9", 9), ("3", 9), ("7", 9), ("8", 9)],
           "nat": [[4, 3, 3], [3, 3, 4]], "intl": [[3, 3, 3], [2, 3, 4]]},
    "MM": {"cc": "95", "trunk": "0", "mobile": [("97", 10), ("96", 10), ("94", 10), ("95", 9)],
           "nat": [[2, 3, 3, 3], [2, 9], [2, 4, 5]], "intl": [[1, 3, 3, 3]]},
    "KH": {"cc": "855", "trunk": "0", "mobile": [("1", 8), ("9", 8), ("7", 8), ("6", 9)],
           "nat": [[3, 3, 3], [3, 6]], "intl": [[2, 3, 3]]},
    "LA": {"cc": "856", "trunk": "0", "mobile": [("20", 10)],
           "nat": [[3, 4, 4]], "intl": [[2, 4, 4]]},
    "HK": {"cc": "852", "trunk": "", "mobile": [("5", 8), ("6", 8), ("9", 8)],
           "nat": [[4, 4]], "intl": [[4, 4]]},
    "TW": {"cc": "886", "trunk": "0", "mobile": [("9", 9)],
           "nat": [[4, 3, 3], [4, 6]], "intl": [[3, 3, 3]]},
    "CN": {"cc": "86", "trunk": "", "mobile": [("13", 11), ("15", 11), ("18", 11), ("17", 11)],
           "nat": [[3, 4, 4], [11]], "intl": [[3, 4, 4]]},
    "JP": {"cc": "81", "trunk": "0", "mobile": [("70", 10), ("80", 10), ("90", 10)],
           "nat": [[3, 4, 4]], "intl": [[2, 4, 4]]},
    "KR": {"cc": "82", "trunk": "0", "mobile": [("10", 10)],
           "nat": [[3, 4, 4]], "intl": [[2, 4, 4]]},
    "US": {"cc": "1", "trunk": "", "mobile": [("", 10)], "nat": [[3, 3, 4]], "intl": [[3, 3, 4]]},
    "CA": {"cc": "1", "trunk": "", "mobile": [("", 10)], "nat": [[3, 3, 4]], "intl": [[3, 3, 4]]},
    "GB": {"cc": "44", "trunk": "0", "mobile": [("7", 10)],
           "nat": [[5, 6], [5, 3, 3]], "intl": [[4, 6], [4, 3, 3]]},
    "AU": {"cc": "61", "trunk": "0", "mobile": [("4", 9)],
           "nat": [[4, 3, 3]], "intl": [[3, 3, 3]]},
    "DE": {"cc": "49", "trunk": "0", "mobile": [("15", 11), ("16", 11), ("17", 11)],
           "nat": [[4, 7], [5, 7], [4, 3, 4]], "intl": [[3, 7], [3, 8]]},
    "NG": {"cc": "234", "trunk": "0", "mobile": [("80", 10), ("81", 10), ("70", 10)],
           "nat": [[4, 3, 4]], "intl": [[3, 3, 4]]},
}

# ---------------------------------------------------------------------------
# Victim countries: languages written (weights), currency with its decimals and
# how amounts look in text, UTC offset, police and anti-scam hotlines, banks
# (name, account-number digit groupings, official hotline), brands impersonated.
# ---------------------------------------------------------------------------
COUNTRIES = {
    "TH": {
        "weight": 16, "langs": [("th", 0.86), ("en", 0.1), ("my", 0.04)], "currency": "THB", "utc": "+07:00",
        "money": ["{n} บาท", "{n} baht", "฿{n}", "{n}บ."],
        "police": ["191", "1441", "1599"],
        "banks": [("KBank", [[3, 1, 5, 1]], "02 888 8888"), ("SCB", [[3, 1, 5, 1]], "02 777 7777"),
                  ("Bangkok Bank", [[3, 1, 5, 1]], "1333"), ("Krungthai", [[3, 1, 5, 1]], "02 111 1111"),
                  ("Krungsri", [[3, 1, 5, 1]], "1572"), ("ttb", [[3, 1, 5, 1]], "1428"),
                  ("GSB", [[3, 3, 6]], "1115")],
        "couriers": ["Thailand Post", "Kerry Express", "Flash Express", "J&T Express", "DHL", "Shopee Express"],
        "toll": ["M-Flow", "Easy Pass"], "tax": ["Revenue Department", "PEA"],
        "authority": ["DSI", "Royal Thai Police", "Thai Customs"],
        "wallet_apps": ["PromptPay", "TrueMoney"],
    },
    "MY": {
        "weight": 9, "langs": [("ms", 0.38), ("en", 0.37), ("zh-Hans", 0.25)], "currency": "MYR", "utc": "+08:00",
        "money": ["RM{n}", "RM {n}", "{n} ringgit", "MYR {n}"],
        "police": ["999", "997"],
        "banks": [("Maybank", [[4, 4, 4], [12]], "1300 88 6688"), ("CIMB", [[10], [2, 4, 4]], "03 6204 7788"),
                  ("Public Bank", [[10], [3, 2, 5]], "03 2176 8000"), ("RHB", [[14], [5, 5, 4]], "03 9206 8118"),
                  ("Hong Leong", [[11]], "03 7626 8899"), ("Bank Islam", [[14]], "03 2690 0900")],
        "couriers": ["Pos Malaysia", "Poslaju", "J&T Express", "Ninja Van", "DHL", "City-Link"],
        "toll": ["Touch 'n Go", "PLUS"], "tax": ["LHDN"],
        "authority": ["PDRM", "Bank Negara", "LHDN"],
        "wallet_apps": ["Touch 'n Go eWallet", "DuitNow"],
    },
    "SG": {
        "weight": 6, "langs": [("en", 0.8), ("zh-Hans", 0.2)], "currency": "SGD", "utc": "+08:00",
        "money": ["S${n}", "${n}", "SGD {n}", "{n} dollars"],
        "police": ["999", "1799", "1800 255 0000"],
        "banks": [("DBS", [[3, 6, 1], [10]], "1800 111 1111"), ("POSB", [[3, 5, 1]], "1800 339 6666"),
                  ("OCBC", [[3, 6, 3], [12]], "1800 363 3333"), ("UOB", [[3, 3, 3, 1], [10]], "1800 222 2121")],
        "couriers": ["SingPost", "Ninja Van", "J&T Express", "DHL", "Qxpress"],
        "toll": ["LTA"], "tax": ["IRAS"], "authority": ["MAS", "SPF", "MOM"],
        "wallet_apps": ["PayNow", "GrabPay"],
    },
    "ID": {
        "weight": 9, "langs": [("id", 0.95), ("en", 0.05)], "currency": "IDR", "utc": "+07:00",
        "money": ["Rp{n}", "Rp {n}", "{n} rupiah", "IDR {n}"],
        "police": ["110"],
        "banks": [("BCA", [[10], [3, 7]], "1500 888"), ("Mandiri", [[13], [3, 2, 7, 1]], "14000"),
                  ("BRI", [[15], [4, 2, 6, 2, 1]], "14017"), ("BNI", [[10]], "1500 046")],
        "couriers": ["JNE", "J&T Express", "SiCepat", "Pos Indonesia", "Ninja Xpress", "AnterAja"],
        "toll": ["Jasa Marga"], "tax": ["DJP"], "authority": ["Polri", "OJK", "Bea Cukai"],
        "wallet_apps": ["DANA", "OVO", "GoPay"],
    },
    "PH": {
        "weight": 9, "langs": [("tl", 0.55), ("en", 0.45)], "currency": "PHP", "utc": "+08:00",
        "money": ["₱{n}", "P{n}", "PHP {n}", "{n} pesos"],
        "police": ["911", "8888", "(02) 8414 1560"],
        "banks": [("BDO", [[12], [4, 4, 4]], "(02) 8631 8000"), ("BPI", [[10], [4, 4, 2]], "(02) 889 10000"),
                  ("Metrobank", [[13], [3, 3, 7]], "(02) 88 700 700"), ("Landbank", [[10]], "(02) 8405 7000")],
        "couriers": ["PHLPost", "LBC", "J&T Express", "Ninja Van", "Flash Express"],
        "toll": ["Autosweep", "Easytrip"], "tax": ["BIR"], "authority": ["NBI", "PNP", "BSP"],
        "wallet_apps": ["GCash", "Maya"],
    },
    "VN": {
        "weight": 7, "langs": [("vi", 0.96), ("en", 0.04)], "currency": "VND", "utc": "+07:00",
        "money": ["{n} đồng", "{n}đ", "{n} VND", "{n} VNĐ"],
        "police": ["113", "069 219 4053"],
        "banks": [("Vietcombank", [[13], [4, 4, 5]], "1900 545413"), ("Techcombank", [[14]], "1800 588822"),
                  ("VietinBank", [[12]], "1900 558868"), ("BIDV", [[14], [12]], "1900 9247"),
                  ("MB Bank", [[13], [4, 4, 5]], "1900 545426")],
        "couriers": ["Vietnam Post", "Viettel Post", "Giao Hàng Nhanh", "J&T Express"],
        "toll": ["VETC"], "tax": ["Tổng cục Thuế", "EVN"], "authority": ["Công an", "Viện kiểm sát"],
        "wallet_apps": ["MoMo", "ZaloPay"],
    },
    "MM": {
        "weight": 4, "langs": [("my", 0.9), ("en", 0.1)], "currency": "MMK", "utc": "+06:30",
        "money": ["{n} ကျပ်", "{n} Kyats", "{n} ks", "MMK {n}"],
        "police": ["199"],
        "banks": [("KBZ Bank", [[17], [5, 4, 8]], "01 538 066"), ("AYA Bank", [[14]], "01 231 7777"),
                  ("CB Bank", [[16], [4, 4, 4, 4]], "01 380 380")],
        "couriers": ["Myanmar Post", "Royal Express", "Ninja Van"],
        "toll": [], "tax": ["IRD Myanmar"], "authority": ["Myanmar Police Force"],
        "wallet_apps": ["KBZPay", "WavePay"],
    },
    "HK": {
        "weight": 5, "langs": [("zh-Hant", 0.75), ("en", 0.25)], "currency": "HKD", "utc": "+08:00",
        "money": ["HK${n}", "{n}港元", "HKD {n}", "${n}"],
        "police": ["999", "18222"],
        "banks": [("HSBC", [[3, 6, 3]], "2233 3000"), ("Hang Seng", [[3, 3, 6]], "2822 0228"),
                  ("BOCHK", [[3, 3, 8], [14]], "3988 2388")],
        "couriers": ["Hongkong Post", "SF Express", "DHL"],
        "toll": ["HKeToll"], "tax": ["IRD"], "authority": ["HKPF", "ICAC"],
        "wallet_apps": ["FPS", "PayMe", "AlipayHK"],
    },
    "TW": {
        "weight": 4, "langs": [("zh-Hant", 0.97), ("en", 0.03)], "currency": "TWD", "utc": "+08:00",
        "money": ["{n}元", "NT${n}", "新台幣{n}元", "TWD {n}"],
        "police": ["165", "110"],
        "banks": [("CTBC", [[12], [4, 4, 4]], "02 2745 8080"), ("Cathay United", [[12]], "02 2383 1000"),
                  ("E.SUN", [[13], [4, 3, 6]], "02 2182 1313")],
        "couriers": ["Chunghwa Post", "T-Cat", "7-ELEVEN"],
        "toll": ["eTag"], "tax": ["財政部"], "authority": ["刑事警察局", "地檢署"],
        "wallet_apps": ["LINE Pay", "JKOPAY"],
    },
    "JP": {
        "weight": 4, "langs": [("ja", 0.97), ("en", 0.03)], "currency": "JPY", "utc": "+09:00",
        "money": ["{n}円", "¥{n}", "{n} yen", "￥{n}"],
        "police": ["110", "#9110"],
        "banks": [("MUFG", [[7]], "0120 860 777"), ("SMBC", [[7]], "0120 56 3143"),
                  ("Mizuho", [[7]], "0120 324 555"), ("Japan Post Bank", [[5, 8]], "0120 108 420")],
        "couriers": ["Japan Post", "Yamato", "Sagawa"],
        "toll": ["ETC"], "tax": ["National Tax Agency"], "authority": ["警察庁", "総務省"],
        "wallet_apps": ["PayPay", "LINE Pay"],
    },
    "KR": {
        "weight": 3, "langs": [("ko", 0.97), ("en", 0.03)], "currency": "KRW", "utc": "+09:00",
        "money": ["{n}원", "₩{n}", "{n} won", "KRW {n}"],
        "police": ["112", "1332"],
        "banks": [("KB Kookmin", [[6, 2, 6]], "1588 9999"), ("Shinhan", [[3, 3, 6]], "1577 8000"),
                  ("Woori", [[4, 3, 6]], "1588 5000")],
        "couriers": ["CJ Logistics", "Korea Post", "Hanjin"],
        "toll": ["Hi-pass"], "tax": ["NTS"], "authority": ["검찰청", "금융감독원"],
        "wallet_apps": ["KakaoPay", "Toss"],
    },
    "US": {
        "weight": 9, "langs": [("en", 0.9), ("zh-Hans", 0.04), ("vi", 0.03), ("tl", 0.03)], "currency": "USD",
        "utc": "-05:00", "money": ["${n}", "{n} dollars", "USD {n}", "$ {n}"],
        "police": ["911", "1-877-382-4357"],
        "banks": [("Chase", [[9], [12]], "1-800-935-9935"), ("Wells Fargo", [[10]], "1-800-869-3557"),
                  ("Bank of America", [[12], [4, 4, 4]], "1-800-432-1000"), ("Citi", [[10]], "1-888-248-4226")],
        "couriers": ["USPS", "UPS", "FedEx", "DHL", "Amazon"],
        "toll": ["E-ZPass", "SunPass", "FasTrak", "TxTag", "The Toll Roads"], "tax": ["IRS"],
        "authority": ["FBI", "FTC", "Social Security Administration"],
        "wallet_apps": ["Zelle", "Cash App", "Venmo"],
    },
    "CA": {
        "weight": 2, "langs": [("en", 0.93), ("zh-Hans", 0.07)], "currency": "CAD", "utc": "-05:00",
        "money": ["${n}", "CAD {n}", "{n} dollars"], "police": ["911", "1-888-495-8501"],
        "banks": [("RBC", [[7], [5, 7]], "1-800-769-2511"), ("TD", [[7]], "1-866-222-3456"),
                  ("Scotiabank", [[12]], "1-800-472-6842")],
        "couriers": ["Canada Post", "Purolator", "UPS"], "toll": ["407 ETR"], "tax": ["CRA"],
        "authority": ["RCMP", "CBSA"], "wallet_apps": ["Interac e-Transfer"],
    },
    "GB": {
        "weight": 6, "langs": [("en", 0.97), ("zh-Hans", 0.03)], "currency": "GBP", "utc": "+00:00",
        "money": ["£{n}", "{n} pounds", "GBP {n}", "£ {n}"],
        "police": ["999", "101", "0300 123 2040", "159"],
        "banks": [("Barclays", [[8]], "0345 734 5345"), ("Lloyds", [[8]], "0345 300 0000"),
                  ("HSBC UK", [[8]], "03457 404 404"), ("NatWest", [[8]], "03457 888 444"),
                  ("Monzo", [[8]], "0800 802 1281"), ("Santander", [[8]], "0800 9 123 123")],
        "couriers": ["Evri", "Royal Mail", "DPD", "Yodel", "Parcelforce"],
        "toll": ["Dart Charge"], "tax": ["HMRC", "DVLA"], "authority": ["HMRC", "Metropolitan Police"],
        "wallet_apps": ["PayPal"],
    },
    "AU": {
        "weight": 5, "langs": [("en", 0.92), ("zh-Hans", 0.05), ("vi", 0.03)], "currency": "AUD", "utc": "+10:00",
        "money": ["${n}", "AUD {n}", "A${n}", "{n} dollars"],
        "police": ["000", "131 444", "1300 292 371"],
        "banks": [("CommBank", [[8]], "13 22 21"), ("Westpac", [[6]], "13 20 32"),
                  ("ANZ", [[9]], "13 13 14"), ("NAB", [[9]], "13 22 65")],
        "couriers": ["Australia Post", "AusPost", "StarTrack", "DHL", "Toll"],
        "toll": ["Linkt", "E-Toll"], "tax": ["ATO", "myGov"], "authority": ["AFP", "ATO"],
        "wallet_apps": ["PayID", "Osko"],
    },
    "DE": {
        "weight": 3, "langs": [("de", 0.88), ("en", 0.12)], "currency": "EUR", "utc": "+01:00",
        "money": ["{n} €", "{n} Euro", "€{n}", "EUR {n}"],
        "police": ["110", "116 116"],
        "banks": [("Sparkasse", [], "116 116"), ("Deutsche Bank", [], "069 910 10000"),
                  ("Commerzbank", [], "069 5008 0010"), ("ING", [], "069 50 500 500"), ("N26", [], "030 9599 3355")],
        "couriers": ["DHL", "Hermes", "DPD", "GLS", "Deutsche Post"],
        "toll": ["Toll Collect"], "tax": ["Finanzamt", "Bundeszentralamt für Steuern"],
        "authority": ["BKA", "Europol", "Bundesbank"], "wallet_apps": ["PayPal"],
    },
}

# ISO 4217 minor units for the currencies used, plus the crypto assets lost.
CURRENCY_DECIMALS = {"THB": 2, "MYR": 2, "SGD": 2, "IDR": 2, "PHP": 2, "VND": 0, "MMK": 2, "HKD": 2,
                     "TWD": 2, "JPY": 0, "KRW": 0, "USD": 2, "CAD": 2, "GBP": 2, "AUD": 2, "EUR": 2,
                     "USDT": 6, "BTC": 8, "ETH": 9}

# Typical single-loss magnitudes per currency (median-ish), used with a log-normal spread.
LOSS_SCALE = {"THB": 30000, "MYR": 8000, "SGD": 4000, "IDR": 8000000, "PHP": 25000, "VND": 60000000,
              "MMK": 2000000, "HKD": 30000, "TWD": 100000, "JPY": 500000, "KRW": 5000000, "USD": 5000,
              "CAD": 5000, "GBP": 3000, "AUD": 5000, "EUR": 4000, "USDT": 5000, "BTC": 0.1, "ETH": 2}

# Official sites of brands (what an honest victim may quote: "I checked on evri.com").
BRAND_SITES = {
    "Evri": ("evri", "evri.com"), "Royal Mail": ("royalmail", "royalmail.com"), "DPD": ("dpd", "dpd.co.uk"),
    "Yodel": ("yodel", "yodel.co.uk"), "Parcelforce": ("parcelforce", "parcelforce.com"),
    "USPS": ("usps", "usps.com"), "UPS": ("ups", "ups.com"), "FedEx": ("fedex", "fedex.com"),
    "DHL": ("dhl", "dhl.com"), "Amazon": ("amazon", "amazon.com"),
    "Thailand Post": ("thailandpost", "thailandpost.co.th"), "Kerry Express": ("kerry", "th.kerryexpress.com"),
    "Flash Express": ("flashexpress", "flashexpress.co.th"), "J&T Express": ("jtexpress", "jtexpress.co.th"),
    "Shopee Express": ("shopee", "shopee.co.th"), "Pos Malaysia": ("pos", "pos.com.my"),
    "Poslaju": ("poslaju", "poslaju.com.my"), "Ninja Van": ("ninjavan", "ninjavan.co"),
    "City-Link": ("citylink", "citylinkexpress.com"), "SingPost": ("singpost", "singpost.com"),
    "Qxpress": ("qxpress", "qxpress.net"), "JNE": ("jne", "jne.co.id"), "SiCepat": ("sicepat", "sicepat.com"),
    "Pos Indonesia": ("posindonesia", "posindonesia.co.id"), "Ninja Xpress": ("ninjaxpress", "ninjaxpress.co"),
    "AnterAja": ("anteraja", "anteraja.id"), "PHLPost": ("phlpost", "phlpost.gov.ph"), "LBC": ("lbc", "lbcexpress.com"),
    "Vietnam Post": ("vnpost", "vnpost.vn"), "Viettel Post": ("viettelpost", "viettelpost.com.vn"),
    "Giao Hàng Nhanh": ("ghn", "ghn.vn"), "Myanmar Post": ("myanmarpost", "myanmarpost.com.mm"),
    "Royal Express": ("royalx", "royalx.net"), "Hongkong Post": ("hongkongpost", "hongkongpost.hk"),
    "SF Express": ("sf-express", "sf-express.com"), "Chunghwa Post": ("post", "post.gov.tw"),
    "T-Cat": ("t-cat", "t-cat.com.tw"), "7-ELEVEN": ("7-11", "7-11.com.tw"), "Japan Post": ("japanpost", "post.japanpost.jp"),
    "Yamato": ("kuronekoyamato", "kuronekoyamato.co.jp"), "Sagawa": ("sagawa", "sagawa-exp.co.jp"),
    "CJ Logistics": ("cjlogistics", "cjlogistics.com"), "Korea Post": ("epost", "epost.go.kr"),
    "Hanjin": ("hanjin", "hanjin.com"), "Canada Post": ("canadapost", "canadapost-postescanada.ca"),
    "Purolator": ("purolator", "purolator.com"), "Australia Post": ("auspost", "auspost.com.au"),
    "AusPost": ("auspost", "auspost.com.au"), "StarTrack": ("startrack", "startrack.com.au"),
    "Toll": ("tollgroup", "tollgroup.com"), "Hermes": ("hermes", "myhermes.de"), "GLS": ("gls", "gls-group.eu"),
    "Deutsche Post": ("deutschepost", "deutschepost.de"),
    "E-ZPass": ("ezpass", "e-zpassny.com"), "SunPass": ("sunpass", "sunpass.com"), "FasTrak": ("fastrak", "bayareafastrak.org"),
    "TxTag": ("txtag", "txtag.org"), "The Toll Roads": ("thetollroads", "thetollroads.com"),
    "M-Flow": ("mflow", "mflowthai.com"), "Easy Pass": ("easypass", "thaieasypass.com"),
    "Touch 'n Go": ("touchngo", "touchngo.com.my"), "PLUS": ("plus", "plus.com.my"), "LTA": ("lta", "lta.gov.sg"),
    "Jasa Marga": ("jasamarga", "jasamarga.com"), "Autosweep": ("autosweep", "autosweeprfid.com"),
    "Easytrip": ("easytrip", "easytrip.ph"), "VETC": ("vetc", "vetc.com.vn"), "HKeToll": ("hketoll", "hketoll.gov.hk"),
    "eTag": ("fetc", "fetc.net.tw"), "ETC": ("etc", "etc-meisai.jp"), "Hi-pass": ("hipass", "hipass.co.kr"),
    "407 ETR": ("407etr", "407etr.com"), "Dart Charge": ("dartcharge", "gov.uk"), "Linkt": ("linkt", "linkt.com.au"),
    "E-Toll": ("etoll", "myetoll.com.au"), "Toll Collect": ("tollcollect", "toll-collect.de"),
    "Revenue Department": ("rd", "rd.go.th"), "PEA": ("pea", "pea.co.th"), "LHDN": ("lhdn", "hasil.gov.my"),
    "IRAS": ("iras", "iras.gov.sg"), "DJP": ("djp", "pajak.go.id"), "BIR": ("bir", "bir.gov.ph"),
    "Tổng cục Thuế": ("gdt", "gdt.gov.vn"), "EVN": ("evn", "evn.com.vn"), "IRD Myanmar": ("ird", "ird.gov.mm"),
    "IRD": ("ird", "ird.gov.hk"), "財政部": ("mof", "mof.gov.tw"), "National Tax Agency": ("nta", "nta.go.jp"),
    "NTS": ("nts", "nts.go.kr"), "IRS": ("irs", "irs.gov"), "CRA": ("cra", "canada.ca"), "HMRC": ("hmrc", "gov.uk"),
    "DVLA": ("dvla", "gov.uk"), "ATO": ("ato", "ato.gov.au"), "myGov": ("mygov", "my.gov.au"),
    "Finanzamt": ("finanzamt", "elster.de"), "Bundeszentralamt für Steuern": ("bzst", "bzst.de"),
    "KBank": ("kbank", "kasikornbank.com"), "SCB": ("scb", "scb.co.th"), "Bangkok Bank": ("bangkokbank", "bangkokbank.com"),
    "Krungthai": ("krungthai", "krungthai.com"), "Krungsri": ("krungsri", "krungsri.com"), "ttb": ("ttb", "ttbbank.com"),
    "GSB": ("gsb", "gsb.or.th"), "Maybank": ("maybank2u", "maybank2u.com.my"), "CIMB": ("cimb", "cimbclicks.com.my"),
    "Public Bank": ("pbebank", "pbebank.com"), "RHB": ("rhb", "rhbgroup.com"), "Hong Leong": ("hlb", "hlb.com.my"),
    "Bank Islam": ("bankislam", "bankislam.com"), "DBS": ("dbs", "dbs.com.sg"), "POSB": ("posb", "posb.com.sg"),
    "OCBC": ("ocbc", "ocbc.com"), "UOB": ("uob", "uob.com.sg"), "BCA": ("klikbca", "klikbca.com"),
    "Mandiri": ("bankmandiri", "bankmandiri.co.id"), "BRI": ("bri", "bri.co.id"), "BNI": ("bni", "bni.co.id"),
    "BDO": ("bdo", "bdo.com.ph"), "BPI": ("bpi", "bpi.com.ph"), "Metrobank": ("metrobank", "metrobank.com.ph"),
    "Landbank": ("landbank", "landbank.com"), "Vietcombank": ("vietcombank", "vietcombank.com.vn"),
    "Techcombank": ("techcombank", "techcombank.com"), "VietinBank": ("vietinbank", "vietinbank.vn"),
    "BIDV": ("bidv", "bidv.com.vn"), "MB Bank": ("mbbank", "mbbank.com.vn"), "KBZ Bank": ("kbzbank", "kbzbank.com"),
    "AYA Bank": ("ayabank", "ayabank.com"), "CB Bank": ("cbbank", "cbbank.com.mm"), "HSBC": ("hsbc", "hsbc.com.hk"),
    "Hang Seng": ("hangseng", "hangseng.com"), "BOCHK": ("bochk", "bochk.com"), "CTBC": ("ctbc", "ctbcbank.com"),
    "Cathay United": ("cathaybk", "cathaybk.com.tw"), "E.SUN": ("esunbank", "esunbank.com"),
    "MUFG": ("mufg", "bk.mufg.jp"), "SMBC": ("smbc", "smbc.co.jp"), "Mizuho": ("mizuho", "mizuhobank.co.jp"),
    "Japan Post Bank": ("jp-bank", "jp-bank.japanpost.jp"), "KB Kookmin": ("kbstar", "kbstar.com"),
    "Shinhan": ("shinhan", "shinhan.com"), "Woori": ("wooribank", "wooribank.com"), "Chase": ("chase", "chase.com"),
    "Wells Fargo": ("wellsfargo", "wellsfargo.com"), "Bank of America": ("bankofamerica", "bankofamerica.com"),
    "Citi": ("citi", "citi.com"), "RBC": ("rbc", "rbcroyalbank.com"), "TD": ("td", "td.com"),
    "Scotiabank": ("scotiabank", "scotiabank.com"), "Barclays": ("barclays", "barclays.co.uk"),
    "Lloyds": ("lloyds", "lloydsbank.com"), "HSBC UK": ("hsbc", "hsbc.co.uk"), "NatWest": ("natwest", "natwest.com"),
    "Monzo": ("monzo", "monzo.com"), "Santander": ("santander", "santander.co.uk"), "CommBank": ("commbank", "commbank.com.au"),
    "Westpac": ("westpac", "westpac.com.au"), "ANZ": ("anz", "anz.com.au"), "NAB": ("nab", "nab.com.au"),
    "Sparkasse": ("sparkasse", "sparkasse.de"), "Deutsche Bank": ("deutschebank", "deutsche-bank.de"),
    "Commerzbank": ("commerzbank", "commerzbank.de"), "ING": ("ing", "ing.de"), "N26": ("n26", "n26.com"),
    "Microsoft": ("microsoft", "microsoft.com"), "Apple": ("apple", "apple.com"), "Netflix": ("netflix", "netflix.com"),
    "PayPal": ("paypal", "paypal.com"), "Norton": ("norton", "norton.com"), "McAfee": ("mcafee", "mcafee.com"),
}

# Hubs: values many unrelated reports name. Shorteners, messaging links, webmail,
# app stores, remote-access tools, real exchanges and social networks.
SHORTENERS = ["bit.ly", "tinyurl.com", "cutt.ly", "s.id", "is.gd", "rb.gy", "shorturl.at", "t.ly", "tiny.cc"]
WEBMAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "163.com", "qq.com", "proton.me", "icloud.com"]
HUB_SITES = ["facebook.com", "play.google.com", "apps.apple.com", "anydesk.com", "teamviewer.com", "binance.com",
             "okx.com", "bybit.com", "metamask.io", "trustwallet.com", "line.me", "t.me", "wa.me", "api.whatsapp.com", "tiktok.com",
             "shopee.co.th", "lazada.com.my", "tokopedia.com", "instagram.com", "testflight.apple.com"]
CHAT_APPS = {
    "default": ["WhatsApp", "Telegram", "Facebook", "Instagram", "Messenger"],
    "TH": ["LINE", "Facebook", "TikTok", "Telegram", "WhatsApp"], "TW": ["LINE", "Facebook", "Instagram"],
    "JP": ["LINE", "Instagram", "X"], "KR": ["KakaoTalk", "Telegram", "Instagram"], "VN": ["Zalo", "Facebook", "Telegram"],
    "CN": ["WeChat", "QQ", "Telegram"], "HK": ["WhatsApp", "WeChat", "Telegram", "Instagram"],
    "MY": ["WhatsApp", "Telegram", "Facebook", "WeChat"], "SG": ["WhatsApp", "Telegram", "Tinder", "Instagram"],
    "ID": ["WhatsApp", "Telegram", "Facebook", "TikTok"], "PH": ["Facebook", "Messenger", "Telegram", "Viber"],
    "MM": ["Viber", "Facebook", "Telegram"], "US": ["WhatsApp", "Instagram", "Facebook", "Hinge", "Tinder", "LinkedIn"],
    "GB": ["WhatsApp", "Instagram", "Facebook", "Hinge", "Tinder"], "AU": ["WhatsApp", "Facebook", "Tinder", "Instagram"],
}
REMOTE_APPS = ["AnyDesk", "TeamViewer", "RustDesk", "QuickSupport"]

# Persona names reused by many unrelated crews (the "stock" ones), and parts from
# which crews build their own. Common real names collide by chance as well.
STOCK_PERSONAS = ["Jason Lee", "Alex Anderson", "Cindy Tan", "David Wang", "Mentor Lisa", "Anna Chen", "Kevin Lim",
                  "Michael Wong", "Sophia Lin", "Emily Zhang", "Daniel Ho", "Linda Wu", "Professor Chen", "Teacher Amy",
                  "Assistant Mia", "Amy Liu", "Richard Tan", "Dr. Robert Smith", "Captain William", "Jenny",
                  "Vivian", "Grace Lim", "Coco", "Mr. Lee", "Analyst Emma", "Jessica Wang"]
GIVEN_NAMES = ["James", "Ryan", "Eric", "Henry", "Leo", "Brian", "Tony", "Frank", "Steven", "Paul", "Mark", "Peter",
               "Andy", "Ben", "Jack", "Sam", "Oliver", "Lucas", "Ethan", "Adam", "Chris", "Victor", "Ivan", "Max",
               "Lily", "Rose", "Nancy", "Helen", "Mandy", "Alice", "Eva", "Mia", "Olivia", "Chloe", "Ella", "Ruby",
               "Nina", "Kelly", "Sandy", "Iris", "Joyce", "Tina", "Judy", "Stella", "Fiona", "Carol", "Yuki", "Mei",
               "Ploy", "Nok", "Mint", "Aom", "Siti", "Nur", "Putri", "Dewi", "Maria", "Angel", "Joy", "Trang", "Linh"]
FAMILY_NAMES = ["Lee", "Wang", "Chen", "Tan", "Lim", "Wong", "Liu", "Zhang", "Huang", "Lin", "Ng", "Goh", "Ong",
                "Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Taylor", "Clark", "Walker", "Young", "King",
                "Nguyen", "Tran", "Santos", "Reyes", "Cruz", "Garcia", "Sato", "Suzuki", "Kim", "Park", "Choi",
                "Müller", "Schmidt", "Wongsakul", "Srisuk", "Halim", "Wijaya"]
PERSONA_ROLES = ["Mentor", "Teacher", "Professor", "Assistant", "Analyst", "Manager", "Agent", "Captain", "Dr.",
                 "Officer", "Inspector", "Sergeant", "Admin", "HR"]

# Fake company and platform names seen again and again, by many crews.
STOCK_COMPANIES_BY_GROUP = {
    "invest": ["Global Trade Co., Ltd.", "Coinbase Pro", "Goldman Capital", "Alpha Wealth", "Huobi Global", "BitGet Pro",
               "Morgan Investment Club", "BlackRock VIP Group", "Wealth Academy", "Thai Stock Club", "AI Quant Trading",
               "Gold Futures Club", "Nasdaq Elite Team"],
    "task": ["Amazon Mall", "TikTok Shop", "Apex Digital Marketing", "Star Media", "Shopee Part-time", "Lazada Affiliate",
             "Meta Ads Agency", "Booking Hotel Review", "Trip Rating Task", "Global Trade Co., Ltd."],
    "loan": ["Dana Cepat", "Pinjam Yuk", "Cash Express", "Easy Loan", "Quick Cash PH", "Kredit Pintar Plus"],
    "recovery": ["Asset Recovery Bureau", "CyberTrace Legal", "Fund Recovery International", "Interpol Asset Desk"],
}
STOCK_COMPANIES = sorted({c for names in STOCK_COMPANIES_BY_GROUP.values() for c in names})

# Syllables for stems of fake platforms, task apps, loan apps and crews' own brands.
STEM_SYLLABLES = ["coin", "bit", "vex", "zen", "qu", "ant", "nova", "lumi", "tera", "kry", "pto", "dex", "max",
                  "fin", "gold", "star", "meta", "ox", "ora", "via", "trad", "ex", "on", "ix", "sky", "neo",
                  "vio", "cap", "pro", "ult", "ria", "aur", "xel", "bex", "kai", "lyn", "sol", "tron", "jet"]
TLDS_CHEAP = ["top", "xyz", "cc", "vip", "icu", "shop", "info", "online", "live", "buzz", "cyou", "sbs",
              "click", "site", "win", "bond", "life", "today", "lat", "xin", "pw"]
TLDS_PLATFORM = ["com", "net", "vip", "cc", "io", "co", "top", "app", "pro", "org", "me"]
WORDS_PARCEL = ["redelivery", "parcel", "track", "delivery", "post", "reschedule", "address", "customs", "tracking",
                "update", "pkg", "express", "hold", "resend"]
WORDS_TOLL = ["toll", "tollbill", "pay", "unpaid", "service", "invoice", "fee", "due", "notice"]
WORDS_BANK = ["secure", "login", "verify", "update", "online", "auth", "support", "kyc", "id", "help", "alert"]
WORDS_TAX = ["refund", "tax", "rebate", "claim", "return", "gov", "portal"]
WORDS_TECH = ["support", "security", "alert", "helpdesk", "protect", "scan", "virus", "care"]
WORDS_LOAN = ["loan", "pinjaman", "cash", "kredit", "dana", "pautang", "money", "lend"]

MULE_HOLDER_NAMES = {
    "TH": ["นาย สมชาย ใจดี", "นางสาว วิภา แก้วมณี", "นาย ธนพล ศรีสุข", "นาง มาลี ทองคำ", "นาย อนุชา พรหมมา",
           "น.ส. กัญญา บุญมา", "Mr. Somsak Rattana", "นาย ประเสริฐ วงศ์ไทย", "นางสาว จิราพร สุขใจ", "นาย วีระ คำดี"],
    "MY": ["MUHAMMAD FAIZAL BIN AHMAD", "NUR AINI BINTI ISMAIL", "LIM WEI JIE", "TAN SIEW LING", "RAJ KUMAR A/L MUTHU",
           "MOHD HAFIZ BIN YUSOF", "WONG KAH HOE", "SITI NORHAYATI BINTI ALI"],
    "ID": ["BUDI SANTOSO", "SITI RAHMAWATI", "AHMAD FAUZI", "DEWI LESTARI", "RUDI HARTONO", "PT GLOBAL INVESTAMA",
           "AGUS SETIAWAN", "NURUL HIDAYAH"],
    "PH": ["JUAN DELA CRUZ", "MARIA CLARA SANTOS", "JOSE REYES", "ANGELICA MENDOZA", "MARK ANTHONY GARCIA",
           "KRISTINE JOY BAUTISTA"],
    "VN": ["NGUYEN VAN HUNG", "TRAN THI MAI", "LE VAN NAM", "PHAM THI HOA", "HOANG MINH TUAN", "DO THI LAN"],
    "default": ["John Miller", "Sarah Jones", "Global Trading LLC", "Kevin Brown", "Blue Ocean Logistics Ltd",
                "Maria Lopez", "Apex Solutions Inc", "Chen Wei", "Li Na", "Zhang Hao", "Sunrise Import Export"],
}

# Mule IBAN countries with their length after the check digits (Revolut-style LT, etc.).
IBAN_BBAN = {"LT": [5, 11], "DE": [8, 10], "GB": ["4A", 6, 8], "ES": [4, 4, 2, 10], "NL": ["4A", 10],
             "IE": ["4A", 6, 8], "FR": [5, 5, 11, 2], "PL": [8, 16]}

"""Phishing kits and lure templates: the text that many unrelated crews share.

A kit is sold as a service: its buyers send the same words and build domains from
the same patterns, each with their own brand, domains, numbers and accounts. Lure
templates of investment and job scams are copied between compounds the same way.
So identical or near-identical text across reports says "same kit", not "same crew".
"""

# Domain patterns. {stem} brand stem, {w} a word of the kit's vocabulary, {r} random
# letters and digits, {n} digits, {cc} the target country, {tld} one of the crew's TLDs.
PATTERNS = {
    "dash": "{stem}-{w}.{tld}",
    "dash_cc": "{stem}-{w}-{cc}.{tld}",
    "digits": "{stem}{n}.{tld}",
    "sub": "{stem}.{w}{r}.{tld}",
    "dash_rand": "{stem}-{r}.{tld}",
    "word_first": "{w}-{stem}.{tld}",
    "fake_com": "{stem}.com-{w}.{tld}",
    "rand_first": "{r}{stem}.{tld}",
    "cc_sub": "{stem}-{cc}.{w}{n}.{tld}",
}

# Smishing and phishing kits: type, vocabulary, patterns, lure templates by language.
# {brand} the impersonated brand, {url} the link, {fee} a small amount, {date} a due date.
KITS = [
    {"id": "kit-parcel-triad", "type": "parcel", "words": "parcel", "patterns": ["fake_com", "sub", "dash_cc"],
     "lures": {"en": ["The {brand} package has arrived at the warehouse and cannot be delivered due to incomplete address information. Please confirm your address in the link within 12 hours.\n{url}\n(Please reply Y, then exit the SMS and open it again to activate the link, or copy the link to your browser.)",
                      "{brand}: Your package is on hold due to an incomplete address. Please update within 24 hours: {url}"]}},
    {"id": "kit-parcel-fee", "type": "parcel", "words": "parcel", "patterns": ["dash", "digits", "dash_rand"],
     "lures": {"en": ["{brand}: We were unable to deliver your parcel. A redelivery fee of {fee} is required. Reschedule: {url}",
                      "{brand}: your parcel is waiting, pay the shipping fee {fee} to release it {url}"],
               "de": ["{brand}: Ihr Paket konnte nicht zugestellt werden. Zollgebühr {fee} offen, bitte bestätigen: {url}"]}},
    {"id": "kit-parcel-sea", "type": "parcel", "words": "parcel", "patterns": ["dash", "word_first", "dash_cc"],
     "lures": {"th": ["{brand}: พัสดุของคุณไม่สามารถจัดส่งได้เนื่องจากที่อยู่ไม่ครบถ้วน กรุณาอัปเดตข้อมูลภายใน 24 ชม. {url}",
                      "[{brand}] พัสดุของท่านถูกพักไว้ที่คลังสินค้า ชำระค่าจัดส่ง {fee} ที่ {url}"],
               "ms": ["{brand}: Bungkusan anda tidak dapat dihantar kerana alamat tidak lengkap. Sila kemas kini: {url}"],
               "id": ["{brand}: Paket anda tertahan di gudang karena alamat tidak lengkap. Konfirmasi alamat di {url}",
                      "Paket Anda dari {brand} gagal dikirim. Bayar ongkir tambahan {fee} di {url}"],
               "tl": ["{brand}: Ang iyong parcel ay hindi maihatid dahil kulang ang address. I-update dito: {url}"],
               "vi": ["{brand}: Bưu kiện của bạn không thể giao do địa chỉ không đầy đủ. Cập nhật tại {url}"],
               "en": ["{brand}: Dear customer, your parcel delivery failed. Update your address: {url}"]}},
    {"id": "kit-parcel-east", "type": "parcel", "words": "parcel", "patterns": ["rand_first", "sub", "digits"],
     "lures": {"ja": ["{brand}よりお荷物のお届けにあがりましたが不在のため持ち帰りました。下記よりご確認ください {url}"],
               "zh-Hant": ["【{brand}】您的包裹因地址不完整無法派送，請於24小時內更新：{url}"],
               "zh-Hans": ["【{brand}】您的包裹因地址不完整无法派送，请于24小时内更新：{url}"],
               "ko": ["[{brand}] 주소지 불명으로 배송이 보류되었습니다. 주소 확인: {url}"]}},
    {"id": "kit-toll", "type": "toll", "words": "toll", "patterns": ["dash", "fake_com", "dash_rand"],
     "lures": {"en": ["{brand}: You have an unpaid toll balance of {fee}. To avoid a late fee, please pay by {date}: {url}",
                      "{brand} Final Notice: outstanding toll charges. Pay now at {url} to avoid suspension of your vehicle registration."],
               "th": ["{brand}: ท่านมียอดค่าผ่านทางค้างชำระ {fee} กรุณาชำระภายในวันนี้เพื่อหลีกเลี่ยงค่าปรับ 10 เท่า {url}"],
               "ms": ["{brand}: Anda mempunyai baki tol tertunggak {fee}. Bayar sebelum {date}: {url}"]}},
    {"id": "kit-tax", "type": "tax", "words": "tax", "patterns": ["dash", "word_first", "dash_rand"],
     "lures": {"en": ["{brand}: You are eligible for a tax refund of {fee}. Submit your claim before {date}: {url}",
                      "{brand}: your tax return has been processed, refund {fee}. Verify your bank card: {url}"],
               "th": ["{brand} แจ้งคืนเงินภาษี/เงินประกัน {fee} กรุณาแอดไลน์เพื่อรับเงินคืน {url}"],
               "ms": ["{brand}: Anda layak menerima bayaran balik cukai {fee}. Tuntut di {url}"],
               "vi": ["{brand}: Bạn được hoàn thuế {fee}. Xác nhận tại {url}"]}},
    {"id": "kit-bank-verify", "type": "bank", "words": "bank", "patterns": ["dash", "word_first", "dash_cc"],
     "lures": {"en": ["{brand} ALERT: A new device has signed in to your account. If this was not you, verify now: {url}",
                      "{brand}: your account has been temporarily restricted. Restore access: {url}"],
               "th": ["{brand}: บัญชีของท่านถูกระงับชั่วคราว กรุณายืนยันตัวตนที่ {url}"],
               "ms": ["{brand}: Akaun anda telah dibekukan. Sila sahkan di {url}"],
               "vi": ["{brand}: Tài khoản của quý khách sẽ bị khóa. Xác thực tại {url}"],
               "id": ["Tarif transfer {brand} berubah menjadi Rp150.000/bulan. Isi formulir jika tidak setuju: {url}"],
               "tl": ["{brand}: Ang iyong account ay pansamantalang na-lock. I-verify dito {url}"]}},
    {"id": "kit-bank-points", "type": "bank", "words": "bank", "patterns": ["digits", "dash_rand", "sub"],
     "lures": {"en": ["{brand}: Your reward points ({fee}) expire today. Redeem now {url}"],
               "zh-Hant": ["【{brand}】您的積分即將到期，請立即兌換：{url}"],
               "ja": ["【{brand}】お客様の口座で不正な取引を検知しました。確認：{url}"],
               "ko": ["[{brand}] 해외결제 {fee} 승인. 본인 아닐 경우 {url}"]}},
    {"id": "kit-tech", "type": "tech", "words": "tech", "patterns": ["word_first", "dash_rand", "dash"],
     "lures": {"en": ["WARNING! Your computer has been blocked. Call {brand} Support immediately at {phone}. Do not restart your computer.",
                      "{brand} Security Alert: Trojan spyware detected. Call toll-free {phone} to remove."]}},
]

# Job-scam recruitment lures, copied between compounds (each crew fills its own names).
TASK_LURES = {
    "en": ["Hello, I'm {persona} from {company}. We are hiring part-time online staff, earn {fee} per day, 30-60 minutes, work from your phone. Interested? WhatsApp {contact}",
           "Hi! {company} is looking for remote workers to help merchants boost ratings. Daily pay {fee}. Contact HR {persona}: {contact}"],
    "id": ["Halo, saya {persona} dari {company}. Kami butuh karyawan paruh waktu, gaji {fee} per hari. Hubungi WA: {contact}"],
    "tl": ["Hi po! Si {persona} ito ng {company}. Hiring kami ng part time, kita {fee} kada araw. Message lang sa {contact}"],
    "th": ["สวัสดีค่ะ {persona} จาก {company} รับสมัครงานพาร์ทไทม์ทำที่บ้าน รายได้วันละ {fee} สนใจติดต่อ {contact}"],
    "vi": ["Chào bạn, mình là {persona} bên {company}, tuyển CTV online, thu nhập {fee}/ngày. Liên hệ {contact}"],
    "ms": ["Hai, saya {persona} dari {company}. Kerja sambilan online, gaji {fee} sehari. Hubungi {contact}"],
    "zh-Hans": ["您好，我是{company}的{persona}，招聘线上兼职，日薪{fee}，有兴趣请联系{contact}"],
}

# "Wrong number" openers of romance/investment scams, copied between compounds.
PIG_OPENERS = {
    "en": ["Hi, is this Amy? This is {persona}, we talked at the wine tasting last week.",
           "Hello, is this Mr. Tan? My assistant gave me this number for the golf booking.",
           "Hi {persona} here, sorry I think I saved the wrong contact. Where are you from?"],
    "zh-Hans": ["你好，请问是李总吗？我是{persona}。", "您好，上次在酒会上认识的，我是{persona}。"],
    "zh-Hant": ["你好，請問是陳小姐嗎？我是{persona}。"],
    "th": ["สวัสดีค่ะ ใช่คุณแอนไหมคะ {persona} นะคะ"],
    "ja": ["こんにちは、{persona}です。先日の件でご連絡しました。"],
    "vi": ["Chào chị, có phải chị Lan không ạ? Em là {persona}."],
}

# Investment-platform and loan adverts (crews fill name and link).
AD_LURES = {
    "crypto": {"en": ["{company} AI quant trading: daily return 2-5%, withdraw anytime. Register now: {url}",
                      "Join {company} VIP signal group, 300% in 30 days guaranteed. {url}"],
               "th": ["{company} ลงทุนคริปโต ปันผลรายวัน 3% ถอนได้ทันที สมัคร {url}"],
               "id": ["{company} investasi kripto, profit harian 3%, daftar: {url}"]},
    "loan": {"id": ["Pinjaman cepat cair 5 menit tanpa jaminan dari {company}. Download: {url}"],
             "tl": ["{company} loan: 50,000 agad, walang collateral! I-download {url}"],
             "th": ["{company} สินเชื่อด่วน อนุมัติใน 5 นาที ไม่ต้องมีคนค้ำ {url}"],
             "en": ["{company}: instant loan approved up to {fee}, no credit check. Apply: {url}"]},
}

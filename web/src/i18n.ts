// Languages of the public pages. Staff pages are in English; a string
// missing in a language falls back to English rather than showing a key.
// Whole sentences are translated, never assembled from English words: the
// public lookup's answer is composed here from the API's structured fields
// (type, counts, dates, scam types), not from its English `advice`.

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'th', name: 'ไทย' },
  { code: 'my', name: 'မြန်မာ' },
  { code: 'zh', name: '中文' },
] as const;

export type Lang = (typeof LANGUAGES)[number]['code'];

const en = {
  skip: 'Skip to content',
  language: 'Language',
  'nav.check': 'Check before you pay',
  'nav.report': 'Report a scam',
  'nav.signin': 'Staff sign-in',
  footer: 'If you are in danger now, call your local police.',
  'check.title': 'Check before you pay',
  'check.intro':
    'Paste a phone number, link, wallet address or bank account before you send money. We tell you whether people have reported it as a scam.',
  'check.field': 'Phone number, link, wallet or account',
  'check.submit': 'Check',
  'check.not_reported': 'No reports found. That does not prove it is safe: scammers change numbers and links often.',
  'check.invalid': 'This does not look valid. Check it for typos.',
  'check.unavailable': 'The check is not available on this server yet.',
  'check.error': 'Something went wrong. Please try again later.',
  'check.empty': 'Enter something to check.',
  'report.title': 'Report a scam',
  'report.intro':
    "Tell us what happened. Your report helps warn others and can help investigators. You don't need an account.",
  'report.text': 'What happened?',
  'report.text_hint': 'Include phone numbers, links, account numbers and what they asked you to do.',
  'report.amount': 'Money lost (optional)',
  'report.currency': 'Currency',
  'report.contact': 'How can we reach you? (optional)',
  'report.consent_share': 'I agree that my report may be shared with law enforcement.',
  'report.consent_publish':
    'I agree that the phone numbers, links and accounts in my report may be published as warnings (never my name or contact).',
  'report.submit': 'Send report',
  'report.unavailable':
    'Online reporting is not available on this server yet. Please contact your local police or anti-scam hotline.',
  'report.error': 'Your report could not be sent. Please try again later.',
  'report.text_required': 'Please describe what happened.',
  'check.reported_one': 'Reported as a scam 1 time. Do not pay.',
  'check.reported_many': 'Reported as a scam at least {n} times. Do not pay.',
  'check.known_legitimate': 'This is a known legitimate contact.',
  'check.unknown_kind': 'This is not something we can check.',
  'check.too_long': 'Too long to check: at most {limit} characters. Paste only the phone number, link, wallet or account.',
  'check.rejected': 'This cannot be checked: {reason}',
  'check.too_many': 'Too many checks from your connection.',
  'retry.seconds': 'Try again in {n} seconds.',
  'retry.minutes': 'Try again in {n} minutes.',
  'check.scam_types': 'Reported as: {types}.',
  'check.seen': 'First reported {first}; last reported {last}.',
  'check.matched_site': 'The reports name this website, not necessarily this exact link.',
  'check.checked_as': 'Checked as {what}: {value}',
  'advice.legitimate': 'This {what} is a known legitimate contact. Scammers often quote real numbers and sites: contact the organisation only through the number or address printed on your card, bill or its official website.',
  'advice.unknown': 'This does not look like a phone number, link, e-mail, wallet or bank account. Paste just the value you were asked to pay or contact.',
  'advice.invalid': 'This {what} fails its checksum or format check: it may be mistyped or made up. Check it with the recipient through a channel you already trust before paying anything.',
  'advice.reported': 'Do not pay or share codes. If you already paid, call your bank now and report to the police.',
  'advice.not_reported': 'No published reports name this {what}. That does not make it safe: scammers change numbers and accounts often. Be wary of pressure, secrecy and requests to pay in crypto or gift cards.',
  'kind.phone': 'phone number',
  'kind.url': 'link',
  'kind.domain': 'website',
  'kind.email': 'e-mail address',
  'kind.ipv4': 'IP address',
  'kind.ipv6': 'IP address',
  'kind.btc': 'Bitcoin wallet',
  'kind.eth': 'Ethereum wallet',
  'kind.tron': 'TRON wallet',
  'kind.sol': 'Solana wallet',
  'kind.ltc': 'Litecoin wallet',
  'kind.iban': 'IBAN account',
  'kind.bank_account': 'bank account',
  'kind.card': 'card number',
  'kind.telegram': 'Telegram account',
  'kind.whatsapp': 'WhatsApp number',
  'kind.line': 'LINE account',
  'kind.wechat': 'WeChat account',
  'scam.investment': 'investment scam',
  'scam.romance': 'romance scam',
  'scam.task_job': 'fake job or task scam',
  'scam.impersonation': 'impersonation of officials or companies',
  'scam.delivery_toll': 'fake delivery or toll fee',
  'scam.tech_support': 'fake tech support',
  'scam.sextortion': 'sextortion',
  'scam.prize_lottery': 'fake prize or lottery',
  'scam.loan': 'fake loan',
  'scam.gambling': 'gambling',
  'scam.credential_phishing': 'password phishing',
  'scam.advance_fee': 'advance-fee fraud',
  'scam.recovery': 'fake money recovery',
  'scam.other': 'other kinds of scam',
  'report.amount_hint': 'Digits, e.g. 1500 or 1,500.50.',
  'report.amount_invalid': 'Write the amount with digits only, e.g. 1500 or 1,500.50.',
  'report.rejected': 'Your report was not accepted: {reason}',
  'report.too_many': 'Too many reports from your connection.',
  'report.busy': 'The server is busy.',
  'report.thanks': 'Thank you. Your report was received.',
  'report.receipt': 'Your receipt number',
  'report.keep': 'Keep it (write it down or take a screenshot) and quote it if you contact us. It cannot be used to read your report back.',
  'report.copy': 'Copy',
  'report.copied': 'Copied.',
  'report.copy_failed': 'Copying is not possible here: select the number and copy it.',
  // The screener's labels on the tablet intake page (the questions come in the interviewee's language from the API).
  'screen.intake_title': 'Screening interview',
  'screen.interview_language': 'Interview language (the person’s)',
  'screen.interviewer': 'Interviewer',
  'screen.interpreter': 'An interpreter is present',
  'screen.held_on': 'Date of the interview',
  'screen.reference': 'Interview reference',
  'screen.note': 'Note (optional, in the words given)',
  'screen.save': 'Save interview',
  'screen.saving': 'Saving…',
  'screen.answered': '{n} of {total} questions answered',
  'screen.number_hint': 'A whole number',
  'screen.need_answer': 'Answer at least one question before saving.',
  'screen.back': 'Back to the case',
  'screen.screener_says': 'For the screener',
};

export type Key = keyof typeof en;

const th: Partial<Record<Key, string>> = {
  'screen.intake_title': 'การสัมภาษณ์คัดกรอง',
  'screen.interview_language': 'ภาษาที่ใช้สัมภาษณ์ (ของผู้ถูกสัมภาษณ์)',
  'screen.interviewer': 'ผู้สัมภาษณ์',
  'screen.interpreter': 'มีล่ามอยู่ด้วย',
  'screen.held_on': 'วันที่สัมภาษณ์',
  'screen.reference': 'เลขอ้างอิงการสัมภาษณ์',
  'screen.note': 'บันทึก (ไม่บังคับ ตามคำพูดที่ได้รับ)',
  'screen.save': 'บันทึกการสัมภาษณ์',
  'screen.saving': 'กำลังบันทึก…',
  'screen.answered': 'ตอบแล้ว {n} จาก {total} ข้อ',
  'screen.number_hint': 'จำนวนเต็ม',
  'screen.need_answer': 'ตอบอย่างน้อยหนึ่งข้อก่อนบันทึก',
  'screen.back': 'กลับไปที่แฟ้มคดี',
  'screen.screener_says': 'สำหรับผู้คัดกรอง',
  skip: 'ข้ามไปยังเนื้อหา',
  language: 'ภาษา',
  'nav.check': 'ตรวจสอบก่อนโอนเงิน',
  'nav.report': 'แจ้งเบาะแสมิจฉาชีพ',
  'nav.signin': 'เข้าสู่ระบบสำหรับเจ้าหน้าที่',
  footer: 'หากคุณตกอยู่ในอันตราย โปรดโทรแจ้งตำรวจ',
  'check.title': 'ตรวจสอบก่อนโอนเงิน',
  'check.intro':
    'วางหมายเลขโทรศัพท์ ลิงก์ ที่อยู่กระเป๋าเงินดิจิทัล หรือเลขบัญชีธนาคารก่อนโอนเงิน เราจะบอกว่ามีผู้แจ้งว่าเป็นการหลอกลวงหรือไม่',
  'check.field': 'หมายเลขโทรศัพท์ ลิงก์ กระเป๋าเงิน หรือเลขบัญชี',
  'check.submit': 'ตรวจสอบ',
  'check.not_reported': 'ไม่พบรายงาน แต่ไม่ได้แปลว่าปลอดภัย มิจฉาชีพเปลี่ยนหมายเลขและลิงก์บ่อย',
  'check.invalid': 'ข้อมูลนี้ดูไม่ถูกต้อง โปรดตรวจสอบการพิมพ์',
  'check.unavailable': 'บริการตรวจสอบยังไม่เปิดใช้งานบนเซิร์ฟเวอร์นี้',
  'check.error': 'เกิดข้อผิดพลาด โปรดลองอีกครั้งภายหลัง',
  'check.empty': 'โปรดกรอกข้อมูลที่ต้องการตรวจสอบ',
  'report.title': 'แจ้งเบาะแสมิจฉาชีพ',
  'report.intro':
    'เล่าให้เราฟังว่าเกิดอะไรขึ้น รายงานของคุณช่วยเตือนผู้อื่นและช่วยเจ้าหน้าที่สืบสวนได้ ไม่ต้องมีบัญชีผู้ใช้',
  'report.text': 'เกิดอะไรขึ้น',
  'report.text_hint': 'ใส่หมายเลขโทรศัพท์ ลิงก์ เลขบัญชี และสิ่งที่พวกเขาขอให้คุณทำ',
  'report.amount': 'จำนวนเงินที่สูญเสีย (ไม่บังคับ)',
  'report.currency': 'สกุลเงิน',
  'report.contact': 'ช่องทางติดต่อกลับ (ไม่บังคับ)',
  'report.consent_share': 'ฉันยินยอมให้ส่งรายงานนี้ให้เจ้าหน้าที่ตำรวจ',
  'report.consent_publish':
    'ฉันยินยอมให้เผยแพร่หมายเลขโทรศัพท์ ลิงก์ และบัญชีในรายงานเพื่อเตือนภัย (ไม่เผยแพร่ชื่อหรือช่องทางติดต่อของฉัน)',
  'report.submit': 'ส่งรายงาน',
  'report.unavailable': 'ยังไม่เปิดรับแจ้งออนไลน์บนเซิร์ฟเวอร์นี้ โปรดติดต่อตำรวจหรือสายด่วนต่อต้านมิจฉาชีพ',
  'report.error': 'ส่งรายงานไม่สำเร็จ โปรดลองอีกครั้งภายหลัง',
  'report.text_required': 'โปรดเล่าว่าเกิดอะไรขึ้น',
  'check.reported_one': 'มีผู้แจ้งว่าเป็นมิจฉาชีพ 1 ครั้ง อย่าโอนเงิน',
  'check.reported_many': 'มีผู้แจ้งว่าเป็นมิจฉาชีพอย่างน้อย {n} ครั้ง อย่าโอนเงิน',
  'check.known_legitimate': 'นี่คือช่องทางติดต่อจริงที่ได้รับการยืนยัน',
  'check.unknown_kind': 'ข้อมูลนี้ไม่ใช่สิ่งที่เราตรวจสอบได้',
  'check.too_long': 'ข้อมูลยาวเกินกว่าจะตรวจสอบได้ (ไม่เกิน {limit} ตัวอักษร) โปรดวางเฉพาะหมายเลขโทรศัพท์ ลิงก์ กระเป๋าเงิน หรือเลขบัญชี',
  'check.rejected': 'ไม่สามารถตรวจสอบข้อมูลนี้ได้: {reason}',
  'check.too_many': 'มีการตรวจสอบจากการเชื่อมต่อของคุณมากเกินไป',
  'retry.seconds': 'โปรดลองอีกครั้งใน {n} วินาที',
  'retry.minutes': 'โปรดลองอีกครั้งใน {n} นาที',
  'check.scam_types': 'ประเภทที่ถูกแจ้ง: {types}',
  'check.seen': 'แจ้งครั้งแรก {first} แจ้งล่าสุด {last}',
  'check.matched_site': 'รายงานระบุเว็บไซต์นี้ ไม่จำเป็นต้องเป็นลิงก์นี้ทั้งหมด',
  'check.checked_as': 'ตรวจสอบในฐานะ{what}: {value}',
  'advice.legitimate': '{what}นี้เป็นช่องทางติดต่อจริงที่ได้รับการยืนยัน แต่มิจฉาชีพมักอ้างหมายเลขและเว็บไซต์จริง โปรดติดต่อองค์กรผ่านหมายเลขหรือที่อยู่ที่พิมพ์บนบัตร ใบแจ้งหนี้ หรือเว็บไซต์ทางการเท่านั้น',
  'advice.unknown': 'ข้อมูลนี้ไม่ใช่หมายเลขโทรศัพท์ ลิงก์ อีเมล กระเป๋าเงิน หรือบัญชีธนาคาร โปรดวางเฉพาะข้อมูลที่คุณถูกขอให้โอนเงินหรือติดต่อ',
  'advice.invalid': '{what}นี้ไม่ผ่านการตรวจสอบรูปแบบ อาจพิมพ์ผิดหรือถูกแต่งขึ้น โปรดตรวจสอบกับผู้รับผ่านช่องทางที่คุณเชื่อถือก่อนโอนเงิน',
  'advice.reported': 'อย่าโอนเงินหรือบอกรหัสใด ๆ หากโอนไปแล้ว โปรดโทรหาธนาคารทันทีและแจ้งความกับตำรวจ',
  'advice.not_reported': 'ยังไม่มีรายงานที่เผยแพร่เกี่ยวกับ{what}นี้ แต่ไม่ได้แปลว่าปลอดภัย มิจฉาชีพเปลี่ยนหมายเลขและบัญชีบ่อย ระวังการเร่งรัด การขอให้เก็บเป็นความลับ และการขอให้จ่ายด้วยคริปโตหรือบัตรของขวัญ',
  'kind.phone': 'หมายเลขโทรศัพท์',
  'kind.url': 'ลิงก์',
  'kind.domain': 'เว็บไซต์',
  'kind.email': 'อีเมล',
  'kind.ipv4': 'ที่อยู่ IP',
  'kind.ipv6': 'ที่อยู่ IP',
  'kind.btc': 'กระเป๋าบิตคอยน์',
  'kind.eth': 'กระเป๋าอีเธอเรียม',
  'kind.tron': 'กระเป๋า TRON',
  'kind.sol': 'กระเป๋า Solana',
  'kind.ltc': 'กระเป๋าไลต์คอยน์',
  'kind.iban': 'บัญชี IBAN',
  'kind.bank_account': 'บัญชีธนาคาร',
  'kind.card': 'หมายเลขบัตร',
  'kind.telegram': 'บัญชี Telegram',
  'kind.whatsapp': 'หมายเลข WhatsApp',
  'kind.line': 'บัญชี LINE',
  'kind.wechat': 'บัญชี WeChat',
  'scam.investment': 'หลอกลงทุน',
  'scam.romance': 'หลอกให้รัก (โรแมนซ์สแกม)',
  'scam.task_job': 'หลอกทำงานออนไลน์',
  'scam.impersonation': 'แอบอ้างเป็นเจ้าหน้าที่หรือบริษัท',
  'scam.delivery_toll': 'พัสดุหรือค่าธรรมเนียมปลอม',
  'scam.tech_support': 'แอบอ้างฝ่ายช่วยเหลือด้านเทคนิค',
  'scam.sextortion': 'แบล็กเมล์ทางเพศ',
  'scam.prize_lottery': 'หลอกว่าได้รางวัล',
  'scam.loan': 'เงินกู้ปลอม',
  'scam.gambling': 'พนันออนไลน์',
  'scam.credential_phishing': 'หลอกขอรหัสผ่าน (ฟิชชิง)',
  'scam.advance_fee': 'หลอกให้จ่ายค่าธรรมเนียมล่วงหน้า',
  'scam.recovery': 'หลอกว่าจะกู้เงินคืน',
  'scam.other': 'มิจฉาชีพประเภทอื่น ๆ',
  'report.amount_hint': 'ตัวเลข เช่น 1500 หรือ 1,500.50',
  'report.amount_invalid': 'โปรดกรอกจำนวนเงินเป็นตัวเลข เช่น 1500 หรือ 1,500.50',
  'report.rejected': 'ระบบไม่รับรายงานของคุณ: {reason}',
  'report.too_many': 'มีการส่งรายงานจากการเชื่อมต่อของคุณมากเกินไป',
  'report.busy': 'เซิร์ฟเวอร์ไม่ว่างในขณะนี้',
  'report.thanks': 'ขอบคุณ เราได้รับรายงานของคุณแล้ว',
  'report.receipt': 'หมายเลขอ้างอิงของคุณ',
  'report.keep': 'โปรดเก็บไว้ (จดไว้หรือบันทึกภาพหน้าจอ) และแจ้งหมายเลขนี้เมื่อติดต่อเรา หมายเลขนี้ใช้เปิดดูรายงานของคุณไม่ได้',
  'report.copy': 'คัดลอก',
  'report.copied': 'คัดลอกแล้ว',
  'report.copy_failed': 'คัดลอกอัตโนมัติไม่ได้ โปรดเลือกหมายเลขแล้วคัดลอกเอง',
};

const my: Partial<Record<Key, string>> = {
  skip: 'အကြောင်းအရာသို့ ကျော်ရန်',
  language: 'ဘာသာစကား',
  'nav.check': 'ငွေမပေးချေမီ စစ်ဆေးပါ',
  'nav.report': 'လိမ်လည်မှုကို တိုင်ကြားပါ',
  'nav.signin': 'ဝန်ထမ်း ဝင်ရောက်ရန်',
  footer: 'အန္တရာယ်ရှိနေပါက ဒေသခံ ရဲကို ဖုန်းဆက်ပါ။',
  'check.title': 'ငွေမပေးချေမီ စစ်ဆေးပါ',
  'check.intro':
    'ငွေမပို့မီ ဖုန်းနံပါတ်၊ လင့်ခ်၊ ပိုက်ဆံအိတ်လိပ်စာ သို့မဟုတ် ဘဏ်အကောင့်ကို ထည့်ပါ။ လူများက လိမ်လည်မှုအဖြစ် တိုင်ကြားထားခြင်း ရှိမရှိ ပြောပြပါမည်။',
  'check.field': 'ဖုန်းနံပါတ်၊ လင့်ခ်၊ ပိုက်ဆံအိတ် သို့မဟုတ် အကောင့်',
  'check.submit': 'စစ်ဆေးရန်',
  'check.not_reported':
    'တိုင်ကြားချက် မတွေ့ပါ။ ၎င်းက လုံခြုံကြောင်း မသက်သေပြပါ၊ လိမ်လည်သူများသည် နံပါတ်နှင့် လင့်ခ်များကို မကြာခဏ ပြောင်းလဲကြသည်။',
  'check.invalid': 'ဤအချက်အလက် မှန်ကန်ပုံမပေါ်ပါ။ စာလုံးပေါင်း စစ်ဆေးပါ။',
  'check.unavailable': 'ဤဆာဗာတွင် စစ်ဆေးခြင်း ဝန်ဆောင်မှု မရသေးပါ။',
  'check.error': 'တစ်ခုခု မှားယွင်းသွားသည်။ နောက်မှ ထပ်ကြိုးစားပါ။',
  'check.empty': 'စစ်ဆေးလိုသည့် အချက်အလက်ကို ထည့်ပါ။',
  'report.title': 'လိမ်လည်မှုကို တိုင်ကြားပါ',
  'report.intro':
    'ဘာဖြစ်ခဲ့သည်ကို ပြောပြပါ။ သင့်တိုင်ကြားချက်က အခြားသူများကို သတိပေးရန်နှင့် စုံစမ်းစစ်ဆေးသူများကို ကူညီနိုင်သည်။ အကောင့် မလိုပါ။',
  'report.text': 'ဘာဖြစ်ခဲ့သနည်း။',
  'report.text_hint': 'ဖုန်းနံပါတ်များ၊ လင့်ခ်များ၊ အကောင့်နံပါတ်များနှင့် သူတို့ ဘာလုပ်ခိုင်းသည်ကို ထည့်ပါ။',
  'report.amount': 'ဆုံးရှုံးသည့် ငွေပမာဏ (မထည့်လည်း ရသည်)',
  'report.currency': 'ငွေကြေး',
  'report.contact': 'သင့်ကို မည်သို့ ဆက်သွယ်နိုင်မည်နည်း။ (မထည့်လည်း ရသည်)',
  'report.consent_share': 'ကျွန်ုပ်၏ တိုင်ကြားချက်ကို ရဲနှင့် မျှဝေရန် သဘောတူသည်။',
  'report.consent_publish':
    'ကျွန်ုပ်၏ တိုင်ကြားချက်ပါ ဖုန်းနံပါတ်၊ လင့်ခ်နှင့် အကောင့်များကို သတိပေးချက်အဖြစ် ထုတ်ပြန်ရန် သဘောတူသည် (ကျွန်ုပ်၏ အမည် သို့မဟုတ် ဆက်သွယ်ရန် အချက်အလက် မပါ)။',
  'report.submit': 'တိုင်ကြားချက် ပို့ရန်',
  'report.unavailable':
    'ဤဆာဗာတွင် အွန်လိုင်း တိုင်ကြားခြင်း မရသေးပါ။ ဒေသခံ ရဲ သို့မဟုတ် လိမ်လည်မှုဆန့်ကျင်ရေး ဖုန်းလိုင်းကို ဆက်သွယ်ပါ။',
  'report.error': 'သင့်တိုင်ကြားချက်ကို ပို့၍ မရပါ။ နောက်မှ ထပ်ကြိုးစားပါ။',
  'report.text_required': 'ဘာဖြစ်ခဲ့သည်ကို ရေးပါ။',
  'check.reported_one': 'လိမ်လည်မှုအဖြစ် 1 ကြိမ် တိုင်ကြားထားသည်။ ငွေမပေးပါနှင့်။',
  'check.reported_many': 'လိမ်လည်မှုအဖြစ် အနည်းဆုံး {n} ကြိမ် တိုင်ကြားထားသည်။ ငွေမပေးပါနှင့်။',
  'check.known_legitimate': 'ဤအရာသည် အတည်ပြုထားသော တရားဝင် ဆက်သွယ်ရန် လိပ်စာ ဖြစ်သည်။',
  'check.unknown_kind': 'ဤအရာကို ကျွန်ုပ်တို့ စစ်ဆေး၍ မရပါ။',
  'check.too_long': 'စစ်ဆေးရန် ရှည်လွန်းသည် (စာလုံး {limit} လုံးအထိသာ)။ ဖုန်းနံပါတ်၊ လင့်ခ်၊ ပိုက်ဆံအိတ် သို့မဟုတ် အကောင့်ကိုသာ ထည့်ပါ။',
  'check.rejected': 'ဤအရာကို စစ်ဆေး၍ မရပါ- {reason}',
  'check.too_many': 'သင့်ချိတ်ဆက်မှုမှ စစ်ဆေးမှု များလွန်းနေသည်။',
  'retry.seconds': '{n} စက္ကန့်အကြာတွင် ထပ်ကြိုးစားပါ။',
  'retry.minutes': '{n} မိနစ်အကြာတွင် ထပ်ကြိုးစားပါ။',
  'check.scam_types': 'တိုင်ကြားထားသည့် အမျိုးအစား- {types}။',
  'check.seen': 'ပထမဆုံး တိုင်ကြားသည့်နေ့ {first}၊ နောက်ဆုံး တိုင်ကြားသည့်နေ့ {last}။',
  'check.matched_site': 'တိုင်ကြားချက်များတွင် ဤဝက်ဘ်ဆိုက်ကို ဖော်ပြထားသည်၊ ဤလင့်ခ်အတိအကျ မဟုတ်နိုင်ပါ။',
  'check.checked_as': '{what}အဖြစ် စစ်ဆေးခဲ့သည်- {value}',
  'advice.legitimate': 'ဤ{what}သည် တရားဝင် ဆက်သွယ်ရန် လိပ်စာ ဖြစ်သည်။ လိမ်လည်သူများသည် တကယ့်နံပါတ်နှင့် ဝက်ဘ်ဆိုက်များကို မကြာခဏ ကိုးကားတတ်သည်- သင့်ကတ်၊ ငွေတောင်းခံလွှာ သို့မဟုတ် တရားဝင် ဝက်ဘ်ဆိုက်ပေါ်ရှိ နံပါတ် သို့မဟုတ် လိပ်စာမှတစ်ဆင့်သာ ဆက်သွယ်ပါ။',
  'advice.unknown': 'ဤအရာသည် ဖုန်းနံပါတ်၊ လင့်ခ်၊ အီးမေးလ်၊ ပိုက်ဆံအိတ် သို့မဟုတ် ဘဏ်အကောင့်နှင့် မတူပါ။ ငွေပေးရန် သို့မဟုတ် ဆက်သွယ်ရန် တောင်းဆိုခံရသည့် အချက်ကိုသာ ထည့်ပါ။',
  'advice.invalid': 'ဤ{what}သည် ပုံစံစစ်ဆေးမှု မအောင်မြင်ပါ- စာလုံးပေါင်းမှားခြင်း သို့မဟုတ် လုပ်ကြံထားခြင်း ဖြစ်နိုင်သည်။ ငွေမပေးမီ သင်ယုံကြည်သော နည်းလမ်းဖြင့် လက်ခံသူနှင့် စစ်ဆေးပါ။',
  'advice.reported': 'ငွေမပေးပါနှင့်၊ ကုဒ်များကို မမျှဝေပါနှင့်။ ငွေပေးပြီးပါက သင့်ဘဏ်ကို ချက်ချင်း ဖုန်းဆက်ပြီး ရဲထံ တိုင်ကြားပါ။',
  'advice.not_reported': 'ဤ{what}ကို ဖော်ပြထားသော ထုတ်ပြန်ထားသည့် တိုင်ကြားချက် မရှိပါ။ ၎င်းက လုံခြုံကြောင်း မဆိုလိုပါ- လိမ်လည်သူများသည် နံပါတ်နှင့် အကောင့်များကို မကြာခဏ ပြောင်းကြသည်။ အလျင်စလို တောင်းဆိုခြင်း၊ လျှို့ဝှက်ထားခိုင်းခြင်းနှင့် crypto သို့မဟုတ် လက်ဆောင်ကတ်ဖြင့် ပေးခိုင်းခြင်းကို သတိထားပါ။',
  'kind.phone': 'ဖုန်းနံပါတ်',
  'kind.url': 'လင့်ခ်',
  'kind.domain': 'ဝက်ဘ်ဆိုက်',
  'kind.email': 'အီးမေးလ်',
  'kind.ipv4': 'IP လိပ်စာ',
  'kind.ipv6': 'IP လိပ်စာ',
  'kind.btc': 'Bitcoin ပိုက်ဆံအိတ်',
  'kind.eth': 'Ethereum ပိုက်ဆံအိတ်',
  'kind.tron': 'TRON ပိုက်ဆံအိတ်',
  'kind.sol': 'Solana ပိုက်ဆံအိတ်',
  'kind.ltc': 'Litecoin ပိုက်ဆံအိတ်',
  'kind.iban': 'IBAN အကောင့်',
  'kind.bank_account': 'ဘဏ်အကောင့်',
  'kind.card': 'ကတ်နံပါတ်',
  'kind.telegram': 'Telegram အကောင့်',
  'kind.whatsapp': 'WhatsApp နံပါတ်',
  'kind.line': 'LINE အကောင့်',
  'kind.wechat': 'WeChat အကောင့်',
  'scam.investment': 'ရင်းနှီးမြှုပ်နှံမှု လိမ်လည်မှု',
  'scam.romance': 'အချစ်ရေး လိမ်လည်မှု',
  'scam.task_job': 'အွန်လိုင်းအလုပ် လိမ်လည်မှု',
  'scam.impersonation': 'အာဏာပိုင် သို့မဟုတ် ကုမ္ပဏီ အယောင်ဆောင် လိမ်လည်မှု',
  'scam.delivery_toll': 'ပါဆယ် သို့မဟုတ် အခကြေးငွေ အတု',
  'scam.tech_support': 'နည်းပညာ အကူအညီ အယောင်ဆောင်',
  'scam.sextortion': 'လိင်ပိုင်းဆိုင်ရာ ငွေညှစ်မှု',
  'scam.prize_lottery': 'ဆုကြေးငွေ လိမ်လည်မှု',
  'scam.loan': 'ချေးငွေ အတု',
  'scam.gambling': 'လောင်းကစား',
  'scam.credential_phishing': 'စကားဝှက် ခိုးယူမှု (phishing)',
  'scam.advance_fee': 'ကြိုတင်ကြေး လိမ်လည်မှု',
  'scam.recovery': 'ငွေပြန်ရမည်ဟု လိမ်လည်မှု',
  'scam.other': 'အခြား လိမ်လည်မှု',
  'report.amount_hint': 'ဂဏန်းဖြင့် ရေးပါ၊ ဥပမာ 1500 သို့မဟုတ် 1,500.50',
  'report.amount_invalid': 'ငွေပမာဏကို ဂဏန်းဖြင့်သာ ရေးပါ၊ ဥပမာ 1500 သို့မဟုတ် 1,500.50။',
  'report.rejected': 'သင့်တိုင်ကြားချက်ကို လက်မခံပါ- {reason}',
  'report.too_many': 'သင့်ချိတ်ဆက်မှုမှ တိုင်ကြားချက် များလွန်းနေသည်။',
  'report.busy': 'ဆာဗာ အလုပ်များနေသည်။',
  'report.thanks': 'ကျေးဇူးတင်ပါသည်။ သင့်တိုင်ကြားချက်ကို လက်ခံရရှိပါပြီ။',
  'report.receipt': 'သင့်ပြေစာနံပါတ်',
  'report.keep': 'ဤနံပါတ်ကို သိမ်းထားပါ (ရေးမှတ်ပါ သို့မဟုတ် screenshot ရိုက်ပါ)၊ ကျွန်ုပ်တို့ကို ဆက်သွယ်ပါက ပြောပြပါ။ ၎င်းဖြင့် သင့်တိုင်ကြားချက်ကို ပြန်ဖတ်၍ မရပါ။',
  'report.copy': 'ကူးယူရန်',
  'report.copied': 'ကူးယူပြီးပါပြီ။',
  'report.copy_failed': 'ဤနေရာတွင် ကူးယူ၍ မရပါ- နံပါတ်ကို ရွေးပြီး ကူးယူပါ။',
};

const zh: Partial<Record<Key, string>> = {
  'screen.intake_title': '甄别面谈',
  'screen.interview_language': '面谈语言（受访者的语言）',
  'screen.interviewer': '面谈人员',
  'screen.interpreter': '有口译员在场',
  'screen.held_on': '面谈日期',
  'screen.reference': '面谈编号',
  'screen.note': '备注（可选，按原话记录）',
  'screen.save': '保存面谈',
  'screen.saving': '正在保存…',
  'screen.answered': '已回答 {n} / {total} 个问题',
  'screen.number_hint': '整数',
  'screen.need_answer': '保存前请至少回答一个问题。',
  'screen.back': '返回案件',
  'screen.screener_says': '供甄别人员参考',
  skip: '跳到主要内容',
  language: '语言',
  'nav.check': '付款前先核查',
  'nav.report': '举报诈骗',
  'nav.signin': '工作人员登录',
  footer: '如果您正身处危险，请立即拨打当地报警电话。',
  'check.title': '付款前先核查',
  'check.intro': '转账前，请粘贴电话号码、链接、钱包地址或银行账户。我们会告诉您是否有人举报其为诈骗。',
  'check.field': '电话号码、链接、钱包或账户',
  'check.submit': '核查',
  'check.not_reported': '未找到举报。这并不代表安全：骗子经常更换号码和链接。',
  'check.invalid': '这看起来无效，请检查是否有输入错误。',
  'check.unavailable': '本服务器暂未提供核查服务。',
  'check.error': '出错了，请稍后再试。',
  'check.empty': '请输入要核查的内容。',
  'report.title': '举报诈骗',
  'report.intro': '请告诉我们发生了什么。您的举报可以提醒他人，也能帮助调查人员。无需注册账户。',
  'report.text': '发生了什么？',
  'report.text_hint': '请写明电话号码、链接、账号，以及对方要求您做什么。',
  'report.amount': '损失金额（选填）',
  'report.currency': '币种',
  'report.contact': '我们如何联系您？（选填）',
  'report.consent_share': '我同意将我的举报提供给执法部门。',
  'report.consent_publish': '我同意公开我举报中的电话号码、链接和账户作为警示（绝不公开我的姓名或联系方式）。',
  'report.submit': '提交举报',
  'report.unavailable': '本服务器暂未开放网上举报。请联系当地警方或反诈热线。',
  'report.error': '举报未能发送，请稍后再试。',
  'report.text_required': '请描述发生了什么。',
  'check.reported_one': '已被举报为诈骗 1 次。请勿付款。',
  'check.reported_many': '已被举报为诈骗至少 {n} 次。请勿付款。',
  'check.known_legitimate': '这是经核实的正规联系方式。',
  'check.unknown_kind': '这不是可以核查的内容。',
  'check.too_long': '内容太长，无法核查（最多 {limit} 个字符）。请只粘贴电话号码、链接、钱包或账户。',
  'check.rejected': '无法核查：{reason}',
  'check.too_many': '您的网络发出的核查请求过多。',
  'retry.seconds': '请在 {n} 秒后重试。',
  'retry.minutes': '请在 {n} 分钟后重试。',
  'check.scam_types': '举报类型：{types}。',
  'check.seen': '首次举报 {first}，最近举报 {last}。',
  'check.matched_site': '举报涉及此网站，不一定是这个具体链接。',
  'check.checked_as': '按{what}核查：{value}',
  'advice.legitimate': '此{what}是经核实的正规联系方式。骗子常冒用真实的号码和网站：请只通过您的银行卡、账单或官方网站上印有的号码或地址联系该机构。',
  'advice.unknown': '这看起来不是电话号码、链接、电子邮箱、钱包或银行账户。请只粘贴对方要求您付款或联系的内容。',
  'advice.invalid': '此{what}未通过校验或格式检查：可能输错了或是编造的。付款前，请通过您信任的渠道向收款方核实。',
  'advice.reported': '请勿付款，也不要透露任何验证码。如果已经付款，请立即致电您的银行并向警方报案。',
  'advice.not_reported': '没有已公开的举报涉及此{what}。但这并不代表安全：骗子经常更换号码和账户。请警惕催促、要求保密以及要求用加密货币或礼品卡付款的情况。',
  'kind.phone': '电话号码',
  'kind.url': '链接',
  'kind.domain': '网站',
  'kind.email': '电子邮箱',
  'kind.ipv4': 'IP 地址',
  'kind.ipv6': 'IP 地址',
  'kind.btc': '比特币钱包',
  'kind.eth': '以太坊钱包',
  'kind.tron': '波场（TRON）钱包',
  'kind.sol': 'Solana 钱包',
  'kind.ltc': '莱特币钱包',
  'kind.iban': 'IBAN 账户',
  'kind.bank_account': '银行账户',
  'kind.card': '银行卡号',
  'kind.telegram': 'Telegram 账号',
  'kind.whatsapp': 'WhatsApp 号码',
  'kind.line': 'LINE 账号',
  'kind.wechat': '微信账号',
  'scam.investment': '投资诈骗',
  'scam.romance': '婚恋交友诈骗',
  'scam.task_job': '刷单兼职诈骗',
  'scam.impersonation': '冒充公检法或企业诈骗',
  'scam.delivery_toll': '快递或费用诈骗',
  'scam.tech_support': '冒充技术支持',
  'scam.sextortion': '裸聊敲诈',
  'scam.prize_lottery': '中奖诈骗',
  'scam.loan': '网贷诈骗',
  'scam.gambling': '网络赌博',
  'scam.credential_phishing': '钓鱼盗号',
  'scam.advance_fee': '预付费诈骗',
  'scam.recovery': '追回损失诈骗',
  'scam.other': '其他诈骗',
  'report.amount_hint': '请填写数字，例如 1500 或 1,500.50',
  'report.amount_invalid': '请只用数字填写金额，例如 1500 或 1,500.50。',
  'report.rejected': '您的举报未被接受：{reason}',
  'report.too_many': '您的网络提交的举报过多。',
  'report.busy': '服务器繁忙。',
  'report.thanks': '谢谢，我们已收到您的举报。',
  'report.receipt': '您的回执编号',
  'report.keep': '请保存此编号（抄下或截图），联系我们时请提供。此编号不能用于查看您的举报内容。',
  'report.copy': '复制',
  'report.copied': '已复制。',
  'report.copy_failed': '无法自动复制：请选中编号后手动复制。',
};

const TABLES: Record<Lang, Partial<Record<Key, string>>> = { en, th, my, zh };

function initial(): Lang {
  const saved = localStorage.getItem('lang');
  const known = (code: string | null): code is Lang => LANGUAGES.some((lang) => lang.code === code);
  if (known(saved)) return saved;
  const browser = navigator.language.slice(0, 2);
  return known(browser) ? browser : 'en';
}

let current: Lang = initial();

export function lang(): Lang {
  return current;
}

export function setLang(code: Lang): void {
  current = code;
  localStorage.setItem('lang', code);
  document.documentElement.lang = code;
}

/// The text of `key` in the current language, with `{name}` placeholders filled.
export function t(key: Key, values: Record<string, string | number> = {}): string {
  const text = TABLES[current][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));
}

document.documentElement.lang = current;

/// Whether `key` names a string (for keys built from API values such as an indicator kind).
export function known(key: string): key is Key {
  return Object.hasOwn(en, key);
}

/// An indicator kind ("tron", "bank_account") as words of the current language.
export function kindName(kind: string | null | undefined): string {
  const key = `kind.${kind ?? ''}`;
  return known(key) ? t(key) : (kind ?? '');
}

/// A scam type ("task_job") as words of the current language.
export function scamName(type: string): string {
  const key = `scam.${type}`;
  return known(key) ? t(key) : type.replace(/_/g, ' ');
}

/// A day (YYYY-MM-DD) written the current language's way.
export function day(iso: string): string {
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  // A browser without this language's calendar data would write the month
  // in English: the plain ISO day is readable in every language instead.
  if (!Intl.DateTimeFormat.supportedLocalesOf([current]).length) return iso;
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/// Items joined the current language's way ("a, b and c", "a、b和c").
export function list(items: string[]): string {
  if (!Intl.ListFormat.supportedLocalesOf([current]).length) return items.join(current === 'zh' ? '、' : ', ');
  return new Intl.ListFormat(current, { type: 'conjunction' }).format(items);
}

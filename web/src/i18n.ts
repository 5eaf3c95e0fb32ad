// Languages of the public pages. Staff pages are in English; a string
// missing in a language falls back to English rather than showing a key.

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
  'check.reported': 'Reported as a scam {n} times. Do not pay.',
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
  'report.thanks': 'Thank you. Your receipt number is {id}. Keep it if you contact us.',
  'report.unavailable':
    'Online reporting is not available on this server yet. Please contact your local police or anti-scam hotline.',
  'report.error': 'Your report could not be sent. Please try again later.',
  'report.text_required': 'Please describe what happened.',
};

export type Key = keyof typeof en;

const th: Partial<Record<Key, string>> = {
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
  'check.reported': 'มีผู้แจ้งว่าเป็นมิจฉาชีพ {n} ครั้ง อย่าโอนเงิน',
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
  'report.thanks': 'ขอบคุณ หมายเลขอ้างอิงของคุณคือ {id} โปรดเก็บไว้หากติดต่อเรา',
  'report.unavailable': 'ยังไม่เปิดรับแจ้งออนไลน์บนเซิร์ฟเวอร์นี้ โปรดติดต่อตำรวจหรือสายด่วนต่อต้านมิจฉาชีพ',
  'report.error': 'ส่งรายงานไม่สำเร็จ โปรดลองอีกครั้งภายหลัง',
  'report.text_required': 'โปรดเล่าว่าเกิดอะไรขึ้น',
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
  'check.reported': 'လိမ်လည်မှုအဖြစ် {n} ကြိမ် တိုင်ကြားထားသည်။ ငွေမပေးပါနှင့်။',
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
  'report.thanks': 'ကျေးဇူးတင်ပါသည်။ သင့်ပြေစာနံပါတ်မှာ {id} ဖြစ်သည်။ ကျွန်ုပ်တို့ကို ဆက်သွယ်ပါက သိမ်းထားပါ။',
  'report.unavailable':
    'ဤဆာဗာတွင် အွန်လိုင်း တိုင်ကြားခြင်း မရသေးပါ။ ဒေသခံ ရဲ သို့မဟုတ် လိမ်လည်မှုဆန့်ကျင်ရေး ဖုန်းလိုင်းကို ဆက်သွယ်ပါ။',
  'report.error': 'သင့်တိုင်ကြားချက်ကို ပို့၍ မရပါ။ နောက်မှ ထပ်ကြိုးစားပါ။',
  'report.text_required': 'ဘာဖြစ်ခဲ့သည်ကို ရေးပါ။',
};

const zh: Partial<Record<Key, string>> = {
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
  'check.reported': '已被举报为诈骗 {n} 次。请勿付款。',
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
  'report.thanks': '谢谢。您的回执编号是 {id}，联系我们时请提供。',
  'report.unavailable': '本服务器暂未开放网上举报。请联系当地警方或反诈热线。',
  'report.error': '举报未能发送，请稍后再试。',
  'report.text_required': '请描述发生了什么。',
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

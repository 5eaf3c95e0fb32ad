//! What victims write, in seven languages and their own scripts: story
//! sentences for each scam type and pig-butchering stage, sentences that
//! mention an indicator, the loss, openers and closers.
//!
//! Sentences are paraphrase variants, combined at random by the report
//! writer, which also adds typos and cuts reports short. Placeholders:
//! `{persona}`, `{brand}`, `{app}` in stories, `{x}` in mentions,
//! `{amount}` and `{currency}` in losses. No translation quality is claimed
//! beyond what a hurried victim writes.

/// The phrase book of one language.
pub(crate) struct Phrases {
    pub code: &'static str,
    /// Whether words are separated by spaces and typos look like typos.
    pub latin: bool,
    /// Joins sentences.
    pub separator: &'static str,
    pub stories: &'static [(&'static str, &'static [&'static str])],
    pub mentions: &'static [(&'static str, &'static [&'static str])],
    pub loss: &'static [&'static str],
    pub openers: &'static [&'static str],
    pub closers: &'static [&'static str],
}

impl Phrases {
    pub(crate) fn story(&self, key: &str) -> &'static [&'static str] {
        self.stories.iter().find(|(name, _)| *name == key).map_or(&[], |(_, variants)| variants)
    }

    pub(crate) fn mention(&self, key: &str) -> &'static [&'static str] {
        self.mentions.iter().find(|(name, _)| *name == key).map_or(&[], |(_, variants)| variants)
    }
}

/// Every language the generator writes, English first.
pub(crate) const LANGUAGES: &[&Phrases] = &[&EN, &TH, &MY, &ZH, &TL, &VI, &ID];

pub(crate) fn phrases(code: &str) -> &'static Phrases {
    LANGUAGES.iter().copied().find(|phrases| phrases.code == code).unwrap_or(&EN)
}

/// The word victims use for a currency in a language, or its code.
pub(crate) fn currency_word(language: &str, code: &str) -> &'static str {
    match (language, code) {
        ("th", "THB") => "บาท",
        ("my", "THB") => "ဘတ်",
        ("my", "MMK") => "ကျပ်",
        ("vi", "VND") => "đồng",
        ("id", "IDR") => "rupiah",
        ("tl", "PHP") => "pesos",
        ("zh", "CNY") => "元",
        ("zh", "USD") => "美元",
        ("en", "USD") => "dollars",
        ("en", "EUR") => "euros",
        ("en", "GBP") => "pounds",
        _ => "",
    }
}

pub(crate) const EN: Phrases = Phrases {
    code: "en",
    latin: true,
    separator: " ",
    stories: &[
        (
            "contact_romance",
            &[
                "A woman called {persona} added me on {app} after we matched on a dating site.",
                "i met {persona} on facebook, she said she was a businesswoman from hong kong.",
                "Someone named {persona} messaged me by 'wrong number' and we kept chatting every day.",
            ],
        ),
        (
            "contact_invest",
            &[
                "I got a random message from {persona} saying sorry wrong number, then she started talking about crypto.",
                "I was added to an investment group on {app} where a 'teacher' called {persona} gave free trading signals.",
                "Saw an ad about AI trading with 300% returns, a mentor {persona} contacted me right after.",
            ],
        ),
        (
            "grooming",
            &[
                "We talked every day for weeks, she sent photos of her food and her life and called me dear.",
                "he was very kind and patient, said he wants to build a future with me",
                "For a month we just chatted about family and life, no money talk at all.",
            ],
        ),
        (
            "pitch",
            &[
                "Then {persona} showed me her profits on {brand} and said her uncle has insider information.",
                "she told me to open an account on {brand}, said it is a safe platform with guaranteed 30% returns",
                "He said he could teach me to trade gold on {brand} and we would be rich together.",
            ],
        ),
        (
            "deposit",
            &[
                "I deposited a small amount first and I could withdraw the profit, so I trusted it.",
                "First i put in a little money and the app showed profit very quickly.",
            ],
        ),
        (
            "escalation",
            &[
                "Then they said there was a special VIP event and I had to add more or lose my bonus. I borrowed from family.",
                "my account showed huge profit so i put all my savings in, even took a loan",
            ],
        ),
        (
            "withdrawal_block",
            &[
                "When I tried to withdraw they said I must pay a 20% tax first. I paid, then they asked for a 'risk deposit'. Account now frozen.",
                "Cant withdraw. customer service says pay fee to unfreeze account, i already paid twice",
            ],
        ),
        (
            "recovery",
            &[
                "After that a 'lawyer' contacted me saying he can recover my money for a fee.",
                "then someone from an asset recovery agency said they traced my funds, I paid them too and they disappeared.",
            ],
        ),
        (
            "task_job",
            &[
                "I got a WhatsApp offer for a part time job, rate products and like videos for commission. At first they paid small amounts, then I had to prepay for 'combination tasks'.",
                "job from HR {persona} at {brand}, easy online tasks, but to unlock my salary I had to top up again and again",
            ],
        ),
        (
            "imp_bank",
            &[
                "Someone called saying they were from {brand} fraud department and my account was hacked. They told me to move my money to a 'safe account'.",
                "got an sms from {brand} that my card is blocked, the man on the phone knew my name and ID number",
            ],
        ),
        (
            "imp_police",
            &[
                "A man claiming to be a police officer said my ID was used for money laundering and I had to transfer money for checking or be arrested.",
                "video call with fake police in uniform, they showed an arrest warrant with my name on it",
            ],
        ),
        (
            "imp_courier",
            &[
                "I received a call from {brand} that a parcel in my name contained illegal items and was held at customs. Then they transferred me to the 'police'.",
                "courier said there was a customs fee to release my package",
            ],
        ),
        (
            "delivery_toll",
            &[
                "Got a text that I had an unpaid toll and my package was on hold, clicked the link and entered my card.",
                "sms said unpaid toll fee, the link looked official, after i paid there were many charges on my card",
            ],
        ),
        (
            "loan",
            &[
                "I applied for a quick loan on the {brand} app. They asked for an insurance fee before disbursement, then more fees. Never got the loan.",
                "after downloading the loan app they threatened to send my photos to all my contacts",
            ],
        ),
        (
            "sextortion",
            &[
                "A woman video-called me and recorded me, then threatened to send the video to my family unless I paid.",
                "they say they will post my private video, demanded money in crypto",
            ],
        ),
    ],
    mentions: &[
        ("phone", &["Her number: {x}", "he called from {x}", "the number was {x}"]),
        ("url", &["the website was {x}", "link: {x}", "they made me download the app from {x}"]),
        ("email", &["they emailed me from {x}", "email {x}"]),
        ("wallet", &["I sent USDT to this address {x}", "wallet: {x}", "deposit address was {x}"]),
        ("bank", &["I transferred to account {x}", "bank account {x}", "paid into {x}"]),
        ("handle", &["their contact {x}", "chat was with {x}"]),
        ("card", &["my card {x} was charged"]),
        (
            "hotline",
            &[
                "I called the real bank hotline {x} and they said it is a scam",
                "they spoofed {x} which is the bank's real number",
            ],
        ),
    ],
    loss: &["I lost {amount} {currency} in total.", "total loss {amount} {currency}", "lost about {amount} {currency}"],
    openers: &["Hello,", "Please help.", "", "I want to report a scam.", "To whom it may concern,"],
    closers: &["Please help me get my money back.", "I hope you can catch them.", "", "pls help", "thank you"],
};

pub(crate) const TH: Phrases = Phrases {
    code: "th",
    latin: false,
    separator: " ",
    stories: &[
        (
            "contact_romance",
            &[
                "มีผู้หญิงชื่อ {persona} ทักมาทางเฟซบุ๊ก แล้วชวนคุยต่อใน {app}",
                "รู้จักกับ {persona} จากแอปหาคู่ เขาบอกว่าทำธุรกิจอยู่ต่างประเทศ",
            ],
        ),
        (
            "contact_invest",
            &["มีคนทักไลน์มาบอกว่าทักผิดคน แล้วชวนคุยเรื่องลงทุน", "ถูกดึงเข้ากลุ่มสอนเทรดหุ้น มีอาจารย์ชื่อ {persona} ให้สัญญาณฟรี"],
        ),
        ("grooming", &["คุยกันทุกวันหลายอาทิตย์ เขาดูแลเอาใจใส่ดีมาก เรียกว่าที่รัก", "เขาส่งรูปกินข้าว รูปที่ทำงานมาให้ดูทุกวัน จนไว้ใจ"]),
        (
            "pitch",
            &["แล้วเขาก็ชวนลงทุนในเว็บ {brand} บอกว่าได้กำไรแน่นอน 30%", "เขาโชว์กำไรจากแพลตฟอร์ม {brand} ให้ดู บอกว่ามีข้อมูลวงใน"],
        ),
        ("deposit", &["ครั้งแรกโอนไปนิดเดียว ถอนได้จริง เลยเชื่อ", "ลองฝากเงินไปก่อน ระบบแสดงกำไรเร็วมาก"]),
        (
            "escalation",
            &[
                "หลังจากนั้นเขาบอกว่ามีโปรพิเศษ ต้องเติมเงินเพิ่ม ไม่งั้นเสียโบนัส เลยไปยืมเงินญาติมาโอน",
                "ยอดในบัญชีขึ้นเยอะ เลยโอนเงินเก็บทั้งหมดเข้าไป",
            ],
        ),
        (
            "withdrawal_block",
            &[
                "พอจะถอนเงิน เขาบอกว่าต้องจ่ายภาษี 20% ก่อน จ่ายแล้วก็ยังถอนไม่ได้ บัญชีโดนอายัด",
                "ถอนเงินไม่ได้ แอดมินบอกให้โอนค่าปลดล็อคบัญชีอีก",
            ],
        ),
        (
            "recovery",
            &[
                "ต่อมามีคนอ้างเป็นทนาย บอกว่าตามเงินคืนได้ แต่ต้องจ่ายค่าดำเนินการก่อน",
                "มีหน่วยงานอ้างว่าช่วยกู้เงินคืน ให้โอนค่าธรรมเนียม โดนหลอกซ้ำ",
            ],
        ),
        (
            "task_job",
            &[
                "มีคนชวนทำงานออนไลน์ กดไลค์ รีวิวสินค้า ได้ค่าคอม ตอนแรกได้เงินจริง แต่หลังๆ ต้องโอนเงินก่อนถึงจะทำภารกิจได้",
                "งานเสริมจาก {brand} ต้องเติมเงินเพื่อปลดล็อคค่าคอม",
            ],
        ),
        (
            "imp_bank",
            &[
                "มีคนโทรมาอ้างว่าเป็นเจ้าหน้าที่ {brand} บอกว่าบัญชีโดนแฮก ให้ย้ายเงินไปบัญชีที่ปลอดภัย",
                "ได้ SMS จาก {brand} ว่าบัตรถูกระงับ คนที่โทรมารู้ชื่อและเลขบัตรประชาชน",
            ],
        ),
        (
            "imp_police",
            &[
                "มีคนโทรมาอ้างเป็นตำรวจ บอกว่าบัญชีของเราเกี่ยวข้องกับการฟอกเงิน ต้องโอนเงินมาตรวจสอบ ไม่งั้นจะถูกจับ",
                "วิดีโอคอลกับตำรวจปลอม ใส่เครื่องแบบ โชว์หมายจับมีชื่อเรา",
            ],
        ),
        (
            "imp_courier",
            &["ขนส่งโทรมาบอกว่ามีพัสดุชื่อเราติดศุลกากร มีของผิดกฎหมาย แล้วโอนสายไปหาตำรวจ", "บอกว่าต้องจ่ายภาษีศุลกากรก่อนถึงจะได้พัสดุ"],
        ),
        (
            "delivery_toll",
            &["ได้ SMS ว่าพัสดุส่งไม่ได้ ให้กดลิงก์อัปเดตที่อยู่ แล้วกรอกข้อมูลบัตร", "กดลิงก์จ่ายค่าส่งนิดเดียว แต่โดนตัดเงินจากบัตรหลายรายการ"],
        ),
        (
            "loan",
            &[
                "สมัครกู้เงินด่วนผ่านแอป {brand} เขาให้โอนค่าประกันก่อน แล้วก็เรียกค่าธรรมเนียมเพิ่มเรื่อยๆ ไม่เคยได้เงินกู้",
                "แอปเงินกู้ขู่จะส่งรูปให้ทุกคนในรายชื่อติดต่อ",
            ],
        ),
        ("sextortion", &["มีผู้หญิงวิดีโอคอลมาแล้วแอบอัดคลิป ขู่จะส่งให้ครอบครัวถ้าไม่โอนเงิน", "ขู่จะปล่อยคลิปส่วนตัว เรียกเงินเป็นคริปโต"]),
    ],
    mentions: &[
        ("phone", &["เบอร์ที่โทรมา {x}", "เบอร์เขา {x}"]),
        ("url", &["เว็บไซต์ {x}", "ลิงก์ที่ส่งมา {x}"]),
        ("email", &["อีเมล {x}"]),
        ("wallet", &["โอน USDT ไปที่กระเป๋า {x}", "วอลเล็ต {x}"]),
        ("bank", &["โอนเข้าบัญชี {x}", "เลขบัญชี {x}"]),
        ("handle", &["ช่องทางติดต่อ {x}", "แอดไว้ที่ {x}"]),
        ("card", &["บัตรเครดิต {x} โดนตัดเงิน"]),
        ("hotline", &["โทรไปเช็คที่เบอร์จริงของธนาคาร {x} เขาบอกว่าไม่ได้โทรมา"]),
    ],
    loss: &["เสียเงินไปทั้งหมด {amount} {currency}", "รวมแล้วโดนไป {amount} {currency}"],
    openers: &["สวัสดีค่ะ", "ขอแจ้งความค่ะ", "ช่วยด้วยครับ", ""],
    closers: &["อยากได้เงินคืน ช่วยด้วยค่ะ", "ขอบคุณครับ", "", "ช่วยตามจับด้วย"],
};

pub(crate) const MY: Phrases = Phrases {
    code: "my",
    latin: false,
    separator: " ",
    stories: &[
        (
            "contact_romance",
            &[
                "{persona} ဆိုတဲ့ မိန်းကလေးက Facebook မှာ မိတ်ဆက်ပြီး {app} မှာ ဆက်ပြောခဲ့တယ်။",
                "အွန်လိုင်းမှာ {persona} နဲ့ သိကျွမ်းခဲ့တယ်၊ နိုင်ငံခြားမှာ စီးပွားရေးလုပ်တယ်လို့ ပြောတယ်။",
            ],
        ),
        (
            "contact_invest",
            &[
                "နံပါတ်မှားလို့ဆိုပြီး စာပို့လာပြီး crypto ရင်းနှီးမြှုပ်နှံမှုအကြောင်း ပြောလာတယ်။",
                "ရွှေရင်းနှီးမြှုပ်နှံမှု group ထဲ ထည့်ခံရပြီး ဆရာ {persona} က အခမဲ့ signal ပေးတယ်။",
            ],
        ),
        ("grooming", &["ရက်သတ္တပတ်တွေကြာ နေ့တိုင်း စကားပြောခဲ့ကြတယ်၊ အရမ်းဂရုစိုက်တယ်။", "နေ့စဉ်ဘဝ ဓာတ်ပုံတွေ ပို့ပေးလို့ ယုံကြည်သွားတယ်။"]),
        (
            "pitch",
            &["ပြီးတော့ {brand} မှာ ရင်းနှီးမြှုပ်နှံဖို့ ပြောတယ်၊ အမြတ် ၃၀% သေချာတယ်တဲ့။", "{brand} မှာ အမြတ်ရတဲ့ screenshot တွေ ပြတယ်။"],
        ),
        ("deposit", &["ပထမဆုံး ငွေနည်းနည်း ထည့်တော့ ပြန်ထုတ်လို့ရလို့ ယုံသွားတယ်။", "ငွေနည်းနည်း စမ်းထည့်ကြည့်တော့ အမြတ်ချက်ချင်းတက်လာတယ်။"]),
        (
            "escalation",
            &["နောက်တော့ VIP အစီအစဉ်ရှိတယ်၊ ငွေထပ်ထည့်ရမယ်ဆိုလို့ ဆွေမျိုးတွေဆီက ချေးပြီး ထည့်ခဲ့တယ်။", "အမြတ်များလို့ စုဆောင်းငွေအားလုံး ထည့်လိုက်တယ်။"],
        ),
        (
            "withdrawal_block",
            &[
                "ငွေထုတ်မယ်ဆိုတော့ အခွန် ၂၀% အရင်ဆောင်ရမယ်တဲ့၊ ဆောင်ပြီးတာတောင် ထုတ်မရဘူး၊ account ပိတ်ခံရတယ်။",
                "ငွေထုတ်လို့မရဘူး၊ unlock ကြေး ထပ်ပေးရမယ်တဲ့။",
            ],
        ),
        ("recovery", &["နောက်တော့ ရှေ့နေလို့ဆိုသူက ငွေပြန်ရအောင် လုပ်ပေးမယ်၊ ကြေးအရင်ပေးရမယ်တဲ့။", "ငွေပြန်ရယူရေး အေဂျင်စီဆိုပြီး ထပ်လိမ်ခံရတယ်။"]),
        (
            "task_job",
            &[
                "အွန်လိုင်း အချိန်ပိုင်းအလုပ်၊ video like လုပ်ရင် ကော်မရှင်ရမယ်ဆိုပြီး နောက်ပိုင်း ငွေအရင်ထည့်ရတယ်။",
                "{brand} အလုပ်အတွက် ငွေထပ်ခါထပ်ခါ ထည့်ရတယ်။",
            ],
        ),
        (
            "imp_bank",
            &[
                "{brand} ဝန်ထမ်းလို့ဆိုပြီး ဖုန်းဆက်လာတယ်၊ account hack ခံရလို့ ငွေကို လုံခြုံတဲ့ account ကို လွှဲရမယ်တဲ့။",
                "{brand} က ကတ်ပိတ်ထားတယ်ဆိုတဲ့ SMS ရတယ်။",
            ],
        ),
        (
            "imp_police",
            &[
                "ရဲလို့ဆိုသူက ကျွန်တော့် account ငွေခဝါချမှုနဲ့ ပတ်သက်နေတယ်၊ ငွေလွှဲပြီး စစ်ဆေးခံရမယ်၊ မဟုတ်ရင် ဖမ်းမယ်တဲ့။",
                "ယူနီဖောင်းဝတ် ရဲအတုနဲ့ video call ပြောခဲ့ရတယ်။",
            ],
        ),
        (
            "imp_courier",
            &["ပါဆယ်ကုမ္ပဏီက ကျွန်မနာမည်နဲ့ ပါဆယ်ထဲမှာ တရားမဝင်ပစ္စည်းပါလို့ အကောက်ခွန်မှာ ထိန်းထားတယ်တဲ့။", "ပါဆယ်ထုတ်ဖို့ အကောက်ခွန်ကြေး ပေးရမယ်တဲ့။"],
        ),
        (
            "delivery_toll",
            &["ပါဆယ်ပို့လို့မရဘူးဆိုတဲ့ SMS ရပြီး link နှိပ်ပြီး ကတ်အချက်အလက် ထည့်မိတယ်။", "ကြေးနည်းနည်းပဲဆိုပြီး ကတ်ထဲက ငွေအကြိမ်ကြိမ် ဖြတ်ခံရတယ်။"],
        ),
        (
            "loan",
            &[
                "{brand} app မှာ ချေးငွေလျှောက်တော့ အာမခံကြေး အရင်ပေးရမယ်တဲ့၊ ချေးငွေ ဘယ်တော့မှ မရခဲ့ဘူး။",
                "ချေးငွေ app က ဓာတ်ပုံတွေကို contact အားလုံးဆီ ပို့မယ်လို့ ခြိမ်းခြောက်တယ်။",
            ],
        ),
        (
            "sextortion",
            &[
                "မိန်းကလေးတစ်ယောက်က video call ခေါ်ပြီး ရိုက်ထားတယ်၊ ငွေမပေးရင် မိသားစုဆီ ပို့မယ်တဲ့။",
                "ကိုယ်ပိုင် video ကို ဖြန့်မယ်လို့ ခြိမ်းခြောက်ပြီး crypto နဲ့ ငွေတောင်းတယ်။",
            ],
        ),
    ],
    mentions: &[
        ("phone", &["ဖုန်းနံပါတ် {x}", "{x} ကနေ ဆက်တယ်"]),
        ("url", &["website {x}", "link {x}"]),
        ("email", &["email {x}"]),
        ("wallet", &["USDT ကို {x} လိပ်စာကို ပို့ခဲ့တယ်"]),
        ("bank", &["{x} account ကို ငွေလွှဲခဲ့တယ်"]),
        ("handle", &["ဆက်သွယ်ရန် {x}"]),
        ("card", &["ကတ် {x} ကနေ ငွေဖြတ်ခံရတယ်"]),
        ("hotline", &["ဘဏ်ရဲ့ တရားဝင် hotline {x} ကို ဆက်မေးတော့ လိမ်တာလို့ ပြောတယ်"]),
    ],
    loss: &["စုစုပေါင်း {amount} {currency} ဆုံးရှုံးခဲ့တယ်။", "{amount} {currency} လောက် အလိမ်ခံရတယ်"],
    openers: &["မင်္ဂလာပါ", "လိမ်လည်မှုကို တိုင်ကြားချင်ပါတယ်။", ""],
    closers: &["ငွေပြန်ရအောင် ကူညီပေးပါ။", "ကျေးဇူးတင်ပါတယ်။", ""],
};

pub(crate) const ZH: Phrases = Phrases {
    code: "zh",
    latin: false,
    separator: "",
    stories: &[
        (
            "contact_romance",
            &[
                "一个叫{persona}的女生在脸书上加我，然后让我在{app}上聊天。",
                "我在交友软件上认识了{persona}，他说自己在国外做生意。",
            ],
        ),
        (
            "contact_invest",
            &[
                "有人发信息说发错了，然后跟我聊起了投资虚拟币。",
                "我被拉进一个{app}股票群，有个老师{persona}每天免费带单。",
            ],
        ),
        ("grooming", &["我们每天聊天好几个星期，对我很关心，叫我宝贝。", "他每天发吃饭、上班的照片，慢慢我就相信了。"]),
        ("pitch", &["后来她叫我在{brand}平台投资，说稳赚30%。", "他给我看在{brand}的盈利截图，说有内幕消息。"]),
        ("deposit", &["第一次充了一点钱，能提现，所以就相信了。", "先试着充值一点，账户马上显示盈利。"]),
        (
            "escalation",
            &[
                "然后说有VIP活动，必须继续充值不然奖金作废，我还找家人借了钱。",
                "看到收益很高，我把所有积蓄都投进去了。",
            ],
        ),
        (
            "withdrawal_block",
            &["要提现的时候说要先交20%的税，交了还是提不出来，账户被冻结。", "提不了现，客服说要交解冻费。"],
        ),
        ("recovery", &["之后有人自称律师说能帮我追回钱，但要先付手续费。", "有个追款机构联系我，又被骗了一次。"]),
        (
            "task_job",
            &[
                "有人介绍网上兼职，点赞视频、刷单评价拿佣金，后来要先垫付才能做任务。",
                "{brand}的兼职，一直要充值才能提佣金。",
            ],
        ),
        (
            "imp_bank",
            &[
                "有人打电话说是{brand}的工作人员，说我的账户被盗，让我把钱转到安全账户。",
                "收到{brand}短信说银行卡被冻结，对方知道我的名字和身份证号。",
            ],
        ),
        (
            "imp_police",
            &[
                "自称警察的人说我的账户涉嫌洗钱，要转账核查，不然就抓我。",
                "和穿制服的假警察视频，出示了有我名字的逮捕令。",
            ],
        ),
        (
            "imp_courier",
            &["快递公司打电话说有我名字的包裹里有违禁品，被海关扣了，然后转接给“警察”。", "说要先交关税才能放行包裹。"],
        ),
        (
            "delivery_toll",
            &["收到短信说包裹无法派送，点链接更新地址并输入了银行卡信息。", "点链接付了一点运费，结果卡被扣了好几笔。"],
        ),
        (
            "loan",
            &[
                "在{brand}申请网贷，先让我交保险费，后来又要各种费用，一直没放款。",
                "贷款APP威胁要把我的照片发给通讯录里所有人。",
            ],
        ),
        (
            "sextortion",
            &["一个女的跟我视频然后录了屏，威胁不给钱就发给我家人。", "他们威胁要公开我的私密视频，要求用虚拟币付款。"],
        ),
    ],
    mentions: &[
        ("phone", &["电话号码：{x}。", "对方用 {x} 打给我。"]),
        ("url", &["网站是 {x} 。", "链接：{x} "]),
        ("email", &["邮箱 {x} 。"]),
        ("wallet", &["我把USDT转到了这个地址 {x} 。", "钱包地址：{x} "]),
        ("bank", &["转账到账户 {x} 。", "收款账号 {x} "]),
        ("handle", &["联系方式 {x} 。"]),
        ("card", &["我的卡 {x} 被扣款。"]),
        ("hotline", &["我打了银行官方客服 {x} ，他们说是诈骗。"]),
    ],
    loss: &["总共损失了{amount}{currency}。", "被骗{amount}{currency}。"],
    openers: &["你好，", "我要举报诈骗。", "", "求助！"],
    closers: &["希望能帮我追回损失。", "谢谢。", "", "请尽快处理"],
};

pub(crate) const TL: Phrases = Phrases {
    code: "tl",
    latin: true,
    separator: " ",
    stories: &[
        (
            "contact_romance",
            &[
                "May babaeng nagngangalang {persona} na nag-message sa akin sa Facebook tapos lumipat kami sa {app}.",
                "Nakilala ko si {persona} sa dating app, sabi niya negosyante siya sa ibang bansa.",
            ],
        ),
        (
            "contact_invest",
            &[
                "May nag-text na wrong number daw tapos nag-usap kami tungkol sa crypto investment.",
                "Sinali ako sa isang investment group sa {app}, may mentor na si {persona} na nagbibigay ng libreng signals.",
            ],
        ),
        (
            "grooming",
            &[
                "Araw-araw kaming nag-uusap ng ilang linggo, sobrang maalaga niya, tinatawag akong mahal.",
                "Nagpapadala siya ng mga picture ng buhay niya kaya nagtiwala ako.",
            ],
        ),
        (
            "pitch",
            &[
                "Tapos inalok niya akong mag-invest sa {brand}, sigurado daw ang 30% na kita.",
                "Pinakita niya ang profit niya sa {brand} at may insider info daw siya.",
            ],
        ),
        (
            "deposit",
            &[
                "Nag-deposit muna ako ng konti at nakapag-withdraw ako kaya naniwala ako.",
                "Sinubukan kong mag-deposit ng maliit, mabilis tumaas ang balance.",
            ],
        ),
        (
            "escalation",
            &[
                "Pagkatapos may VIP event daw, kailangan mag-top up pa para hindi mawala ang bonus, nangutang pa ako sa pamilya.",
                "Dahil malaki ang kita, nilagay ko lahat ng ipon ko.",
            ],
        ),
        (
            "withdrawal_block",
            &[
                "Nung mag-withdraw na ako, kailangan daw magbayad muna ng 20% tax, nagbayad ako pero hindi pa rin ma-withdraw, naka-freeze ang account.",
                "Hindi ako makapag-withdraw, sabi ng CS magbayad daw ng unlock fee.",
            ],
        ),
        (
            "recovery",
            &[
                "Tapos may nagpakilalang abogado na kaya daw bawiin ang pera ko pero may bayad muna.",
                "May recovery agency daw na tumulong, nagbayad ako, na-scam ulit ako.",
            ],
        ),
        (
            "task_job",
            &[
                "May nag-offer sa akin ng part-time job online, mag-like ng videos at mag-review ng products para sa commission, pero kalaunan kailangan ko nang magbayad para sa tasks.",
                "Trabaho daw sa {brand}, kailangan mag-top up nang paulit-ulit para makuha ang commission.",
            ],
        ),
        (
            "imp_bank",
            &[
                "May tumawag na taga-{brand} daw, na-hack daw ang account ko at kailangan ilipat ang pera sa safe account.",
                "Nakatanggap ako ng text mula sa {brand} na blocked ang card ko, alam ng tumawag ang pangalan ko.",
            ],
        ),
        (
            "imp_police",
            &[
                "May nagpakilalang pulis, sangkot daw ang account ko sa money laundering, kailangan mag-transfer para sa verification o aarestuhin ako.",
                "Video call sa pekeng pulis na naka-uniporme, may warrant daw na may pangalan ko.",
            ],
        ),
        (
            "imp_courier",
            &[
                "Tumawag ang courier, may package daw sa pangalan ko na may ilegal na laman at hawak ng customs.",
                "Kailangan daw magbayad ng customs fee para ma-release ang package.",
            ],
        ),
        (
            "delivery_toll",
            &[
                "Nakatanggap ako ng text na hindi ma-deliver ang parcel, pinindot ko ang link at nilagay ang card details ko.",
                "Maliit lang daw na fee pero maraming beses na-charge ang card ko.",
            ],
        ),
        (
            "loan",
            &[
                "Nag-apply ako ng loan sa app na {brand}, pinagbayad muna ako ng insurance fee at iba pang fees, hindi ko natanggap ang loan.",
                "Tinakot ako ng lending app na ikakalat ang mga picture ko sa contacts ko.",
            ],
        ),
        (
            "sextortion",
            &[
                "May babaeng nag-video call at ni-record ako, tinakot akong ipapadala sa pamilya ko kung hindi ako magbabayad.",
                "Ipapakalat daw nila ang private video ko, humingi ng pera sa crypto.",
            ],
        ),
    ],
    mentions: &[
        ("phone", &["Ang number niya {x}", "tumawag mula sa {x}"]),
        ("url", &["ang website ay {x}", "link {x}"]),
        ("email", &["email {x}"]),
        ("wallet", &["nagpadala ako ng USDT sa address na {x}", "wallet {x}"]),
        ("bank", &["nag-transfer ako sa account {x}", "account number {x}"]),
        ("handle", &["contact {x}"]),
        ("card", &["na-charge ang card ko {x}"]),
        ("hotline", &["tinawagan ko ang totoong hotline ng bangko {x} at sabi nila scam iyon"]),
    ],
    loss: &["Nawalan ako ng {amount} {currency} lahat-lahat.", "total na nawala {amount} {currency}"],
    openers: &["Hello po,", "Gusto ko pong i-report ang scam.", "", "Tulong po"],
    closers: &["Sana po matulungan ninyo akong mabawi ang pera ko.", "Salamat po.", "", "pakihuli po sila"],
};

pub(crate) const VI: Phrases = Phrases {
    code: "vi",
    latin: true,
    separator: " ",
    stories: &[
        (
            "contact_romance",
            &[
                "Một người tên {persona} kết bạn với tôi trên Facebook rồi rủ nói chuyện qua {app}.",
                "Tôi quen {persona} qua ứng dụng hẹn hò, anh ấy nói làm kinh doanh ở nước ngoài.",
            ],
        ),
        (
            "contact_invest",
            &[
                "Có người nhắn tin nhầm số rồi bắt chuyện về đầu tư tiền ảo.",
                "Tôi được thêm vào nhóm {app} chứng khoán, có thầy {persona} cho tín hiệu miễn phí.",
            ],
        ),
        (
            "grooming",
            &[
                "Chúng tôi nói chuyện mỗi ngày suốt mấy tuần, rất quan tâm, gọi tôi là em yêu.",
                "Anh ta gửi ảnh đi làm, ăn uống mỗi ngày nên tôi tin tưởng.",
            ],
        ),
        (
            "pitch",
            &[
                "Sau đó họ rủ tôi đầu tư vào sàn {brand}, nói lợi nhuận chắc chắn 30%.",
                "Cô ấy khoe lãi trên {brand} và nói có thông tin nội bộ.",
            ],
        ),
        (
            "deposit",
            &["Lần đầu tôi nạp ít tiền và rút được lãi nên tin.", "Tôi nạp thử một ít, tài khoản báo lãi rất nhanh."],
        ),
        (
            "escalation",
            &[
                "Rồi họ nói có sự kiện VIP, phải nạp thêm nếu không mất thưởng, tôi phải vay người thân.",
                "Thấy lãi nhiều nên tôi nạp hết tiền tiết kiệm.",
            ],
        ),
        (
            "withdrawal_block",
            &[
                "Khi rút tiền thì họ bắt đóng thuế 20% trước, đóng rồi vẫn không rút được, tài khoản bị đóng băng.",
                "Không rút được tiền, CSKH bảo phải nộp phí mở khóa.",
            ],
        ),
        (
            "recovery",
            &[
                "Sau đó có người tự xưng luật sư nói lấy lại được tiền nhưng phải trả phí trước.",
                "Một công ty thu hồi tài sản liên hệ, tôi lại bị lừa thêm.",
            ],
        ),
        (
            "task_job",
            &[
                "Tôi được mời làm cộng tác viên online, like video và đánh giá sản phẩm để nhận hoa hồng, sau đó phải nạp tiền để làm nhiệm vụ.",
                "Việc làm thêm của {brand}, phải nạp tiền liên tục để rút hoa hồng.",
            ],
        ),
        (
            "imp_bank",
            &[
                "Có người gọi nói là nhân viên {brand}, tài khoản của tôi bị hack, bảo chuyển tiền sang tài khoản an toàn.",
                "Nhận tin nhắn {brand} báo khóa thẻ, người gọi biết cả tên và số CCCD của tôi.",
            ],
        ),
        (
            "imp_police",
            &[
                "Người tự xưng công an nói tôi liên quan đường dây rửa tiền, phải chuyển tiền để xác minh nếu không sẽ bị bắt.",
                "Gọi video với công an giả mặc sắc phục, đưa lệnh bắt có tên tôi.",
            ],
        ),
        (
            "imp_courier",
            &[
                "Bên chuyển phát gọi nói có bưu kiện đứng tên tôi chứa hàng cấm bị giữ ở hải quan.",
                "Họ nói phải đóng phí hải quan mới nhận được hàng.",
            ],
        ),
        (
            "delivery_toll",
            &[
                "Nhận tin nhắn bưu kiện không giao được, bấm link cập nhật địa chỉ rồi nhập thẻ.",
                "Bấm link trả phí nhỏ nhưng thẻ bị trừ nhiều lần.",
            ],
        ),
        (
            "loan",
            &[
                "Tôi vay online qua app {brand}, họ bắt đóng phí bảo hiểm trước rồi thêm nhiều phí khác, không bao giờ giải ngân.",
                "App vay tiền dọa gửi ảnh cho cả danh bạ.",
            ],
        ),
        (
            "sextortion",
            &[
                "Một cô gái gọi video rồi quay lại, đe dọa gửi cho gia đình nếu không chuyển tiền.",
                "Họ dọa tung clip nhạy cảm, đòi tiền bằng tiền ảo.",
            ],
        ),
    ],
    mentions: &[
        ("phone", &["Số điện thoại: {x}", "họ gọi từ số {x}"]),
        ("url", &["trang web {x}", "link {x}"]),
        ("email", &["email {x}"]),
        ("wallet", &["tôi chuyển USDT vào ví {x}", "ví {x}"]),
        ("bank", &["chuyển khoản vào tài khoản {x}", "số tài khoản {x}"]),
        ("handle", &["liên hệ qua {x}"]),
        ("card", &["thẻ {x} bị trừ tiền"]),
        ("hotline", &["tôi gọi tổng đài thật của ngân hàng {x} thì họ nói là lừa đảo"]),
    ],
    loss: &["Tổng cộng tôi mất {amount} {currency}.", "mất khoảng {amount} {currency}"],
    openers: &["Xin chào,", "Tôi muốn tố cáo lừa đảo.", "", "Giúp tôi với"],
    closers: &["Mong được giúp đỡ lấy lại tiền.", "Cảm ơn.", "", "mong cơ quan chức năng xử lý"],
};

pub(crate) const ID: Phrases = Phrases {
    code: "id",
    latin: true,
    separator: " ",
    stories: &[
        (
            "contact_romance",
            &[
                "Seorang wanita bernama {persona} menghubungi saya di Facebook lalu pindah chat ke {app}.",
                "Saya kenal {persona} dari aplikasi kencan, katanya pengusaha di luar negeri.",
            ],
        ),
        (
            "contact_invest",
            &[
                "Ada yang chat salah sambung lalu ngobrol soal investasi kripto.",
                "Saya dimasukkan ke grup {app} saham, ada mentor {persona} yang kasih sinyal gratis.",
            ],
        ),
        (
            "grooming",
            &[
                "Kami chat setiap hari berminggu-minggu, dia sangat perhatian dan panggil saya sayang.",
                "Dia kirim foto kegiatan sehari-hari jadi saya percaya.",
            ],
        ),
        (
            "pitch",
            &[
                "Lalu dia ajak investasi di platform {brand}, katanya untung pasti 30%.",
                "Dia tunjukkan profit di {brand} dan bilang punya info orang dalam.",
            ],
        ),
        (
            "deposit",
            &[
                "Awalnya saya deposit sedikit dan bisa tarik profit, jadi percaya.",
                "Coba deposit kecil dulu, saldo langsung naik.",
            ],
        ),
        (
            "escalation",
            &[
                "Kemudian ada event VIP, harus top up lagi supaya bonus tidak hangus, saya sampai pinjam uang keluarga.",
                "Karena profit besar saya masukkan semua tabungan.",
            ],
        ),
        (
            "withdrawal_block",
            &[
                "Waktu mau tarik dana disuruh bayar pajak 20% dulu, sudah bayar tetap tidak bisa, akun dibekukan.",
                "Tidak bisa withdraw, CS minta biaya buka blokir.",
            ],
        ),
        (
            "recovery",
            &[
                "Setelah itu ada yang mengaku pengacara bisa mengembalikan uang tapi harus bayar biaya dulu.",
                "Ada lembaga pemulihan dana minta fee, saya tertipu lagi.",
            ],
        ),
        (
            "task_job",
            &[
                "Saya ditawari kerja paruh waktu, like video dan review produk dapat komisi, lama-lama harus transfer dulu untuk misi berikutnya.",
                "Kerja online dari {brand}, harus top up terus untuk cairkan komisi.",
            ],
        ),
        (
            "imp_bank",
            &[
                "Ada yang telepon mengaku petugas {brand}, bilang rekening saya dibobol dan uang harus dipindah ke rekening aman.",
                "Dapat SMS {brand} kartu diblokir, penelepon tahu nama dan NIK saya.",
            ],
        ),
        (
            "imp_police",
            &[
                "Orang mengaku polisi bilang rekening saya terlibat pencucian uang, harus transfer untuk verifikasi atau ditangkap.",
                "Video call dengan polisi palsu berseragam, ada surat penangkapan atas nama saya.",
            ],
        ),
        (
            "imp_courier",
            &[
                "Kurir telepon bilang ada paket atas nama saya berisi barang terlarang ditahan bea cukai.",
                "Katanya harus bayar bea cukai supaya paket keluar.",
            ],
        ),
        (
            "delivery_toll",
            &[
                "Dapat SMS paket gagal dikirim, klik link update alamat lalu isi data kartu.",
                "Klik link bayar ongkir kecil tapi kartu terpotong berkali-kali.",
            ],
        ),
        (
            "loan",
            &[
                "Saya ajukan pinjol di aplikasi {brand}, disuruh bayar biaya asuransi dulu, lalu biaya lain terus, dana tidak pernah cair.",
                "Aplikasi pinjol mengancam sebar foto ke semua kontak.",
            ],
        ),
        (
            "sextortion",
            &[
                "Seorang wanita video call lalu merekam, mengancam kirim ke keluarga kalau tidak transfer.",
                "Mereka ancam sebar video pribadi, minta uang dalam kripto.",
            ],
        ),
    ],
    mentions: &[
        ("phone", &["Nomornya {x}", "dia telepon dari {x}"]),
        ("url", &["situsnya {x}", "link {x}"]),
        ("email", &["email {x}"]),
        ("wallet", &["saya kirim USDT ke alamat {x}", "dompet {x}"]),
        ("bank", &["transfer ke rekening {x}", "no rek {x}"]),
        ("handle", &["kontak {x}"]),
        ("card", &["kartu saya {x} terpotong"]),
        ("hotline", &["saya telepon call center asli bank {x} katanya itu penipuan"]),
    ],
    loss: &["Total kerugian saya {amount} {currency}.", "rugi sekitar {amount} {currency}"],
    openers: &["Selamat siang,", "Saya mau melapor penipuan.", "", "Tolong bantu"],
    closers: &["Mohon bantu kembalikan uang saya.", "Terima kasih.", "", "tolong ditindak"],
};

#[cfg(test)]
mod tests {
    use super::*;

    const STORY_KEYS: &[&str] = &[
        "contact_romance",
        "contact_invest",
        "grooming",
        "pitch",
        "deposit",
        "escalation",
        "withdrawal_block",
        "recovery",
        "task_job",
        "imp_bank",
        "imp_police",
        "imp_courier",
        "delivery_toll",
        "loan",
        "sextortion",
    ];
    const MENTION_KEYS: &[&str] = &["phone", "url", "email", "wallet", "bank", "handle", "card", "hotline"];

    #[test]
    fn every_language_has_every_sentence() {
        for phrases in LANGUAGES {
            for key in STORY_KEYS {
                assert!(!phrases.story(key).is_empty(), "{} lacks story {key}", phrases.code);
            }
            for key in MENTION_KEYS {
                let variants = phrases.mention(key);
                assert!(!variants.is_empty(), "{} lacks mention {key}", phrases.code);
                assert!(variants.iter().all(|v| v.contains("{x}")), "{} {key}", phrases.code);
            }
            assert!(phrases.loss.iter().all(|v| v.contains("{amount}")));
        }
    }

    #[test]
    fn each_language_is_in_its_own_script() {
        let has = |code: &str, low: u32, high: u32| {
            phrases(code).story("pitch").iter().any(|text| text.chars().any(|c| (low..=high).contains(&u32::from(c))))
        };
        assert!(has("th", 0x0E00, 0x0E7F));
        assert!(has("my", 0x1000, 0x109F));
        assert!(has("zh", 0x4E00, 0x9FFF));
        assert!(has("vi", 0x00C0, 0x1EFF));
    }
}

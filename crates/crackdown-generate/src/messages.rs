//! Evidence files as victims hand them in: reported e-mails (`emails/*.eml`,
//! RFC 5322, multipart text and HTML, attachments, `Received` and
//! `Authentication-Results` headers, display-name spoofing, Reply-To
//! mismatch, a few genuine bank mails among them) and chat exports
//! (`chats/`: WhatsApp Android and iOS text, Telegram Desktop
//! `result.json`, LINE text), with `truth/messages.csv` saying which
//! campaign each came from and who the counterpart is.
//!
//! Only a few dozen files: volume lives in the reports and the ledger.
//! Parsing them is the intake crate's job.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::format::{civil_from_days, timestamp};
use crate::indicators::{Indicator, IndicatorType};
use crate::random::Dice;
use crate::world::{Campaign, DAY, ScamType, World};
use crate::{GenerateConfig, GenerateError, create};

pub(crate) struct MessageCounts {
    pub emails: u64,
    pub chats: u64,
    pub files: Vec<PathBuf>,
}

/// Standard base64 with padding, for attachments.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4 + bytes.len() / 57 * 2);
    for (index, chunk) in bytes.chunks(3).enumerate() {
        if index > 0 && index % 19 == 0 {
            out.push_str("\r\n");
        }
        let value = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for position in 0..4 {
            if position <= chunk.len() {
                out.push(char::from(ALPHABET[(value >> (18 - 6 * position) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// An RFC 5322 date, e.g. `Tue, 04 Mar 2025 09:15:00 +0000`.
fn mail_date(seconds: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let day_number = seconds.div_euclid(DAY);
    let (year, month, day) = civil_from_days(day_number);
    let second = seconds.rem_euclid(DAY);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} +0000",
        DAYS[day_number.rem_euclid(7) as usize],
        MONTHS[(month as usize).saturating_sub(1)],
        second / 3600,
        second / 60 % 60,
        second % 60
    )
}

fn first_of(campaign: &Campaign, day: u32, kind: IndicatorType) -> Option<Indicator> {
    campaign.phase_at(day).indicators.iter().find(|value| value.kind == kind).cloned()
}

fn url_of(campaign: &Campaign, day: u32) -> String {
    first_of(campaign, day, IndicatorType::Url)
        .map_or_else(|| "https://example.invalid/".to_owned(), |value| value.canonical)
}

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

fn wallet_of(campaign: &Campaign, day: u32) -> String {
    first_of(campaign, day, IndicatorType::Tron)
        .or_else(|| first_of(campaign, day, IndicatorType::Iban))
        .or_else(|| first_of(campaign, day, IndicatorType::BankAccount))
        .map_or_else(String::new, |value| value.canonical)
}

struct MailText<'a> {
    subject: String,
    claimed: &'a str,
    claimed_domain: &'static str,
    body: String,
}

fn mail_text<'a>(campaign: &'a Campaign, url: &str, wallet: &str) -> MailText<'a> {
    let brand = if campaign.brand.is_empty() { "Secure Message" } else { campaign.brand.as_str() };
    match (campaign.scam, campaign.pretext) {
        (ScamType::Impersonation, "bank") => MailText {
            subject: "Urgent: your account has been suspended".into(),
            claimed: "Siam Commerce Bank",
            claimed_domain: "siamcommercebank.co.th",
            body: format!(
                "Dear customer,\n\nWe detected unusual activity and suspended your account.\nVerify your identity within 24 hours at {url} or your account will be closed.\n\nSiam Commerce Bank Security"
            ),
        },
        (ScamType::Impersonation, _) | (ScamType::DeliveryToll, _) => MailText {
            subject: format!("{brand}: parcel on hold - action required"),
            claimed: "DHL Express",
            claimed_domain: "dhl.com",
            body: format!(
                "Your parcel could not be delivered because of an unpaid customs/toll fee of 2.99.\nPay now at {url} to avoid return to sender.\n\nCustomer Service"
            ),
        },
        (ScamType::Recovery, _) => MailText {
            subject: "Your lost funds have been located".into(),
            claimed: "Global Asset Recovery Bureau",
            claimed_domain: "interpol-recovery.org",
            body: format!(
                "We traced the funds stolen from you. To release them, pay the processing fee to {wallet} and send the receipt to us.\nCase portal: {url}"
            ),
        },
        (ScamType::Loan, _) => MailText {
            subject: format!("{brand}: loan approved"),
            claimed: brand,
            claimed_domain: "ojk.go.id",
            body: format!(
                "Selamat! Pinjaman Anda disetujui. Bayar biaya asuransi ke {wallet} untuk pencairan dana.\nDetail: {url}"
            ),
        },
        _ => MailText {
            subject: format!("{brand}: withdrawal pending - tax payment required"),
            claimed: brand,
            claimed_domain: "sec.gov",
            body: format!(
                "Your withdrawal of 48,210.55 USDT is pending. Regulations require a 20% tax deposit to {wallet} before release.\nLog in: {url}\n\n{} Compliance",
                brand
            ),
        },
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// One reported e-mail; `genuine` ones pass SPF, DKIM and DMARC.
fn email(dice: &mut Dice, world: &World, campaign: &Campaign, index: u32, genuine: bool) -> (String, String) {
    let day = campaign.first_day()
        + dice.below(campaign.last_day().saturating_sub(campaign.first_day()).max(1) as usize) as u32;
    let time = world.start + i64::from(day) * DAY + dice.range(0, DAY);
    let url = url_of(campaign, day);
    let wallet = wallet_of(campaign, day);
    let text = mail_text(campaign, &url, &wallet);
    let sending_domain = if genuine { text.claimed_domain.to_owned() } else { host_of(&url).to_owned() };
    let boundary_outer = format!("=_outer_{:016x}", dice.u64());
    let boundary_inner = format!("=_alt_{:016x}", dice.u64());
    let ip = format!("{}.{}.{}.{}", dice.range(45, 200), dice.range(0, 255), dice.range(0, 255), dice.range(1, 254));
    let victim = format!(
        "{}{}@{}",
        dice.pick(&["somchai", "maria.s", "nguyen.an", "budi88", "anna.k"]),
        dice.range(1, 99),
        dice.pick(&["gmail.com", "yahoo.com", "hotmail.com"])
    );
    let (auth, from, reply_to, subject, body) = if genuine {
        (
            format!(
                "spf=pass smtp.mailfrom={sending_domain}; dkim=pass header.d={sending_domain}; dmarc=pass header.from={sending_domain}"
            ),
            format!("{} <notifications@{sending_domain}>", text.claimed),
            None,
            format!("{}: your monthly statement is ready", text.claimed),
            format!(
                "Dear customer,\n\nYour monthly statement is ready in the app. We will never ask for your password or OTP by e-mail.\n\n{}",
                text.claimed
            ),
        )
    } else {
        let spoofed_display = if dice.chance(0.5) {
            format!("\"{} <security@{}>\"", text.claimed, text.claimed_domain)
        } else {
            format!("\"{}\"", text.claimed)
        };
        let reply = format!(
            "{}.desk{}@{}",
            crate::world::REGIONS[0].banks[0].to_lowercase(),
            dice.range(1, 99),
            dice.pick(&["gmail.com", "outlook.com"])
        );
        (
            format!(
                "spf={} smtp.mailfrom={sending_domain}; dkim=none; dmarc=fail header.from={sending_domain}",
                dice.pick(&["fail", "softfail", "none"])
            ),
            format!("{spoofed_display} <noreply@{sending_domain}>"),
            Some(reply),
            text.subject,
            text.body,
        )
    };
    let shown_link = format!("https://www.{}/login", text.claimed_domain);
    let link_target = if genuine { shown_link.clone() } else { url.clone() };
    let html = format!(
        "<html><body><p>{}</p><p><a href=\"{link_target}\">{shown_link}</a></p></body></html>",
        html_escape(&body).replace('\n', "<br>")
    );
    let mut mail = String::new();
    let date = mail_date(time);
    mail.push_str(&format!("Return-Path: <bounce@{sending_domain}>\r\n"));
    mail.push_str(&format!("Received: from mail.{sending_domain} (mail.{sending_domain} [{ip}])\r\n\tby mx.victim-mail.example with ESMTPS id {:x}\r\n\tfor <{victim}>; {date}\r\n", dice.u64()));
    mail.push_str(&format!(
        "Received: from [10.{}.{}.{}] by mail.{sending_domain}; {date}\r\n",
        dice.range(0, 255),
        dice.range(0, 255),
        dice.range(1, 254)
    ));
    mail.push_str(&format!("Authentication-Results: mx.victim-mail.example;\r\n\t{auth}\r\n"));
    mail.push_str(&format!("From: {from}\r\n"));
    if let Some(reply) = &reply_to {
        mail.push_str(&format!("Reply-To: {reply}\r\n"));
    }
    mail.push_str(&format!("To: <{victim}>\r\nSubject: {}\r\nDate: {date}\r\nMessage-ID: <{:016x}.{index}@{sending_domain}>\r\nMIME-Version: 1.0\r\n", subject, dice.u64()));
    let attach = !genuine && dice.chance(0.5);
    let alternative = format!(
        "Content-Type: multipart/alternative; boundary=\"{boundary_inner}\"\r\n\r\n--{boundary_inner}\r\nContent-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n--{boundary_inner}\r\nContent-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{html}\r\n--{boundary_inner}--\r\n",
        body.replace('\n', "\r\n")
    );
    if attach {
        let (name, kind, content) = if dice.chance(0.5) {
            (
                "Invoice_Customs.pdf",
                "application/pdf",
                format!("%PDF-1.4\n% fake invoice\n1 0 obj <<>> endobj\n% pay at {url}\n%%EOF\n").into_bytes(),
            )
        } else {
            (
                "Verify_Account.html",
                "text/html",
                format!("<html><form action=\"{url}\"><input name=\"otp\"></form></html>").into_bytes(),
            )
        };
        mail.push_str(&format!("Content-Type: multipart/mixed; boundary=\"{boundary_outer}\"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n--{boundary_outer}\r\n{alternative}\r\n--{boundary_outer}\r\nContent-Type: {kind}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--{boundary_outer}--\r\n", base64(&content)));
    } else {
        mail.push_str(&alternative);
    }
    (mail, victim)
}

/// A conversation line: who speaks (0 scammer, 1 victim), what they say.
type Script = &'static [(u8, &'static str)];

const SCRIPT_EN: Script = &[
    (0, "Hi, is this Kevin? We met at the wine tasting last week"),
    (1, "Sorry, wrong number I think"),
    (0, "Oh I'm so sorry! Well, nice to meet you anyway 😊 I'm {persona}, I live in Singapore"),
    (1, "Nice to meet you too"),
    (0, "Good morning dear, did you sleep well?\nI just finished my yoga class"),
    (0, "<media>"),
    (0, "My uncle works at a big fund, he gives me signals on {brand}. Today I made 12% in one hour"),
    (1, "Is it safe?"),
    (0, "Very safe, it is regulated. Register here {url} and start small, I will guide you"),
    (1, "ok I deposited 1000 USDT to {wallet}"),
    (
        0,
        "Great! See, your profit is already 180 USDT. There is a VIP event this week, if you add 20,000 you get 30% bonus",
    ),
    (1, "I want to withdraw now, but it says I must pay 20% tax first??"),
    (0, "That is normal, everyone pays the tax. Send it to customer service, their number is {phone}"),
];

const SCRIPT_TH: Script = &[
    (0, "สวัสดีค่ะ ใช่คุณต้นไหมคะ"),
    (1, "ไม่ใช่ครับ น่าจะทักผิดคน"),
    (0, "ขอโทษค่ะ 😊 ยินดีที่ได้รู้จักนะคะ ชื่อ {persona} ค่ะ ทำงานอยู่ฮ่องกง"),
    (0, "อรุณสวัสดิ์ค่ะที่รัก กินข้าวหรือยัง"),
    (0, "<media>"),
    (0, "วันนี้ได้กำไรจาก {brand} อีกแล้ว 15% ลุงเป็นคนให้สัญญาณ"),
    (1, "ปลอดภัยไหมครับ"),
    (0, "ปลอดภัยค่ะ สมัครที่ {url} ลองลงน้อยๆ ก่อน เดี๋ยวสอนให้"),
    (1, "โอนไปแล้ว 10,000 บาท เข้าบัญชี {wallet}"),
    (0, "เห็นไหมคะ กำไรขึ้นแล้ว อาทิตย์นี้มีโปร VIP เติม 200,000 ได้โบนัส 30%"),
    (1, "จะถอนเงิน แต่ระบบบอกต้องจ่ายภาษี 20% ก่อน"),
    (0, "ปกติค่ะ ทุกคนต้องจ่าย ติดต่อฝ่ายบริการ {phone}"),
];

const SCRIPT_ZH: Script = &[
    (0, "你好，请问是王总吗？"),
    (1, "你发错了吧"),
    (0, "不好意思😊 认识一下，我叫{persona}，在香港做金融"),
    (0, "早安亲爱的，今天天气很好\n我刚健身完"),
    (0, "<media>"),
    (0, "我舅舅在基金公司，带我在{brand}做单，今天又赚了12%"),
    (1, "安全吗？"),
    (0, "很安全，有牌照的。在这里注册 {url} 先小额试试，我教你"),
    (1, "我转了1000 USDT到 {wallet}"),
    (0, "你看，已经盈利了。这周有VIP活动，充20000送30%"),
    (1, "我要提现，系统说要先交20%的税？"),
    (0, "正常的，大家都要交。联系客服 {phone}"),
];

fn script_for(language: &str) -> Script {
    match language {
        "th" => SCRIPT_TH,
        "zh" => SCRIPT_ZH,
        _ => SCRIPT_EN,
    }
}

struct ChatLine {
    from_scammer: bool,
    time: i64,
    text: String,
    media: bool,
}

fn chat_lines(dice: &mut Dice, campaign: &Campaign, language: &str, start: i64, day: u32) -> Vec<ChatLine> {
    let phase = campaign.phase_at(day);
    let pick = |kinds: &[IndicatorType]| {
        phase
            .indicators
            .iter()
            .find(|value| kinds.contains(&value.kind))
            .map_or_else(String::new, |value| value.canonical.clone())
    };
    let url = pick(&[IndicatorType::Url]);
    let wallet = pick(&[
        IndicatorType::Tron,
        IndicatorType::Eth,
        IndicatorType::Btc,
        IndicatorType::Iban,
        IndicatorType::BankAccount,
    ]);
    let phone = pick(&[IndicatorType::Phone]);
    let mut time = start;
    script_for(language)
        .iter()
        .map(|(speaker, template)| {
            time += dice.range(60, 3 * 3600) + if template.starts_with("Good morning") { DAY / 2 } else { 0 };
            ChatLine {
                from_scammer: *speaker == 0,
                time,
                media: *template == "<media>",
                text: template
                    .replace("{persona}", &campaign.persona)
                    .replace("{brand}", &campaign.brand)
                    .replace("{url}", &url)
                    .replace("{wallet}", &wallet)
                    .replace("{phone}", &phone),
            }
        })
        .collect()
}

fn clock(seconds: i64, twelve_hour: bool, with_seconds: bool) -> String {
    let second = seconds.rem_euclid(DAY);
    let (hour, minute, sec) = (second / 3600, second / 60 % 60, second % 60);
    if twelve_hour {
        let suffix = if hour < 12 { "AM" } else { "PM" };
        let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
        if with_seconds {
            format!("{hour12}:{minute:02}:{sec:02} {suffix}")
        } else {
            format!("{hour12}:{minute:02} {suffix}")
        }
    } else if with_seconds {
        format!("{hour:02}:{minute:02}:{sec:02}")
    } else {
        format!("{hour:02}:{minute:02}")
    }
}

fn date_parts(seconds: i64) -> (i64, u32, u32) {
    civil_from_days(seconds.div_euclid(DAY))
}

fn whatsapp(lines: &[ChatLine], scammer: &str, owner: &str, ios: bool, twelve_hour: bool) -> String {
    let mut out = String::new();
    let stamp = |time: i64| {
        let (year, month, day) = date_parts(time);
        if twelve_hour {
            format!("{month}/{day}/{:02}, {}", year % 100, clock(time, true, ios))
        } else {
            format!("{day:02}/{month:02}/{year}, {}", clock(time, false, ios))
        }
    };
    let notice = "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.";
    if let Some(first) = lines.first() {
        if ios {
            out.push_str(&format!("[{}] {scammer}: \u{200e}{notice}\n", stamp(first.time - 60)));
        } else {
            out.push_str(&format!("{} - {notice} Tap to learn more.\n", stamp(first.time - 60)));
        }
    }
    for line in lines {
        let name = if line.from_scammer { scammer } else { owner };
        let text = if line.media {
            if ios { "\u{200e}image omitted".to_owned() } else { "<Media omitted>".to_owned() }
        } else {
            line.text.clone()
        };
        if ios {
            out.push_str(&format!("[{}] {name}: {text}\n", stamp(line.time)));
        } else {
            out.push_str(&format!("{} - {name}: {text}\n", stamp(line.time)));
        }
    }
    out
}

fn telegram(lines: &[ChatLine], scammer: &str, owner: &str, chat_id: u64, brand: &str) -> String {
    let messages: Vec<serde_json::Value> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let name = if line.from_scammer { scammer } else { owner };
            let from_id = if line.from_scammer { format!("user{chat_id}") } else { "user1000001".to_owned() };
            let date = timestamp(line.time).trim_end_matches('Z').to_owned();
            // Links become entities, as Telegram Desktop exports them.
            let mut parts: Vec<serde_json::Value> = Vec::new();
            let mut entities: Vec<serde_json::Value> = Vec::new();
            for (word_index, word) in line.text.split(' ').enumerate() {
                let piece = if word_index > 0 { format!(" {word}") } else { word.to_owned() };
                if word.starts_with("https://") {
                    if word_index > 0 {
                        parts.push(json!(" "));
                        entities.push(json!({"type": "plain", "text": " "}));
                    }
                    parts.push(json!({"type": "link", "text": word}));
                    entities.push(json!({"type": "link", "text": word}));
                } else {
                    parts.push(json!(piece));
                    entities.push(json!({"type": "plain", "text": piece}));
                }
            }
            let mut message = json!({
                "id": index + 1,
                "type": "message",
                "date": date,
                "date_unixtime": line.time.to_string(),
                "from": name,
                "from_id": from_id,
                "text": if entities.len() == 1 { json!(line.text) } else { json!(parts) },
                "text_entities": entities,
            });
            if line.media {
                message["photo"] = json!("photos/photo_1@01-01-2025_10-00-00.jpg");
                message["text"] = json!("");
                message["text_entities"] = json!([]);
            }
            if line.from_scammer && line.text.contains("https://") && index % 2 == 0 {
                message["forwarded_from"] = json!(format!("{brand} Official"));
            }
            message
        })
        .collect();
    let export = json!({
        "name": scammer,
        "type": "personal_chat",
        "id": chat_id,
        "messages": messages,
    });
    serde_json::to_string_pretty(&export).unwrap_or_default()
}

fn line_export(lines: &[ChatLine], scammer: &str, owner: &str, thai_header: bool, saved: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let mut out = String::new();
    let (year, month, day) = date_parts(saved);
    if thai_header {
        out.push_str(&format!(
            "[LINE] ประวัติการแชทกับ {scammer}\nบันทึกเมื่อ: {year}/{month:02}/{day:02} {}\n\n",
            clock(saved, false, false)
        ));
    } else {
        out.push_str(&format!(
            "[LINE] Chat history with {scammer}\nSaved on: {year}/{month:02}/{day:02} {}\n\n",
            clock(saved, false, false)
        ));
    }
    let mut current_day = i64::MIN;
    for line in lines {
        let day_number = line.time.div_euclid(DAY);
        if day_number != current_day {
            current_day = day_number;
            let (year, month, day) = civil_from_days(day_number);
            out.push_str(&format!("{year}/{month:02}/{day:02}({})\n", WEEKDAYS[day_number.rem_euclid(7) as usize]));
        }
        let name = if line.from_scammer { scammer } else { owner };
        let text = if line.media {
            "[Photo]".to_owned()
        } else if line.text.contains('\n') {
            format!("\"{}\"", line.text)
        } else {
            line.text.clone()
        };
        out.push_str(&format!("{}\t{name}\t{text}\n", clock(line.time, false, false)));
    }
    out
}

/// Writes `emails/`, `chats/` and `truth/messages.csv`.
pub(crate) fn write_messages(
    world: &World,
    config: &GenerateConfig,
    dir: &Path,
) -> Result<MessageCounts, GenerateError> {
    let mut truth = create(dir, "truth/messages.csv")?;
    let io_truth = |source| GenerateError::io("truth/messages.csv", source);
    truth.write_all(b"file,format,campaign_id,scam_type,language,counterpart,owner,genuine\n").map_err(io_truth)?;
    let mut files = Vec::new();
    let mail_campaigns: Vec<usize> = world
        .campaigns
        .iter()
        .enumerate()
        .filter(|(_, campaign)| !matches!(campaign.scam, ScamType::Sextortion | ScamType::Romance))
        .map(|(index, _)| index)
        .collect();
    for index in 0..config.emails {
        let mut dice = Dice::new(config.seed, "email", u64::from(index));
        let campaign = &world.campaigns[*dice.pick(&mail_campaigns)];
        let genuine = index % 6 == 5;
        let (mail, victim) = email(&mut dice, world, campaign, index, genuine);
        let relative = format!("emails/{index:04}.eml");
        let mut out = create(dir, &relative)?;
        out.write_all(mail.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|source| GenerateError::io(&relative, source))?;
        writeln!(
            truth,
            "{relative},eml,{},{},en,,{victim},{genuine}",
            if genuine { "" } else { campaign.id.as_str() },
            if genuine { "ham" } else { campaign.scam.as_str() }
        )
        .map_err(io_truth)?;
        files.push(PathBuf::from(relative));
    }
    let chat_campaigns: Vec<usize> = world
        .campaigns
        .iter()
        .enumerate()
        .filter(|(_, campaign)| matches!(campaign.scam, ScamType::Romance | ScamType::Investment))
        .map(|(index, _)| index)
        .collect();
    for index in 0..config.chats {
        let mut dice = Dice::new(config.seed, "chat", u64::from(index));
        let campaign = &world.campaigns[*dice.pick(&chat_campaigns)];
        let format = index % 5;
        let language = match format {
            4 => "th",
            _ => *dice.pick(campaign.languages),
        };
        let language = if matches!(language, "th" | "zh") { language } else { "en" };
        let day = campaign.first_day();
        let start = world.start + i64::from(day) * DAY + dice.range(8 * 3600, 20 * 3600);
        let lines = chat_lines(&mut dice, campaign, language, start, day);
        let scammer = if campaign.persona.is_empty() { "Support" } else { campaign.persona.as_str() };
        let owner = *dice.pick(&["Tom", "Somchai", "Maria Santos", "Wei Zhang", "Nok"]);
        let (relative, format_name, content) = match format {
            0 => (
                format!("chats/whatsapp-android-{index:03}.txt"),
                "whatsapp_android",
                whatsapp(&lines, scammer, owner, false, false),
            ),
            1 => (
                format!("chats/whatsapp-android-12h-{index:03}.txt"),
                "whatsapp_android_12h",
                whatsapp(&lines, scammer, owner, false, true),
            ),
            2 => (
                format!("chats/whatsapp-ios-{index:03}.txt"),
                "whatsapp_ios",
                whatsapp(&lines, scammer, owner, true, dice.chance(0.5)),
            ),
            3 => (
                format!("chats/telegram-{index:03}/result.json"),
                "telegram_json",
                telegram(&lines, scammer, owner, 5_000_000 + u64::from(index), &campaign.brand),
            ),
            _ => (
                format!("chats/line-{index:03}.txt"),
                "line",
                line_export(
                    &lines,
                    scammer,
                    owner,
                    dice.chance(0.5),
                    lines.last().map_or(start, |line| line.time) + 3600,
                ),
            ),
        };
        let mut out = create(dir, &relative)?;
        out.write_all(content.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|source| GenerateError::io(&relative, source))?;
        writeln!(
            truth,
            "{relative},{format_name},{},{},{language},{scammer},{owner},false",
            campaign.id,
            campaign.scam.as_str()
        )
        .map_err(io_truth)?;
        files.push(PathBuf::from(relative));
    }
    truth.flush().map_err(io_truth)?;
    Ok(MessageCounts { emails: u64::from(config.emails), chats: u64::from(config.chats), files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn mail_dates_have_the_right_weekday() {
        assert_eq!(mail_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(mail_date(1_741_080_600), "Tue, 04 Mar 2025 09:30:00 +0000");
    }
}

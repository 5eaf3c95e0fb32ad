//! Command-line definitions only; each command's work is in its own module.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// crackdown: counter-scam intelligence for investigators, fraud teams,
/// victim-support NGOs and partner agencies.
///
/// Load victims' scam reports, keep them under TLP 2.0 access rules and
/// serve them over an HTTP API. On a local data directory you act as the
/// installation's operator; `--as USER` acts as another user, under exactly
/// the access rules the API applies to that user.
#[derive(Parser)]
#[command(name = "crackdown", version, propagate_version = true, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "\
Examples:
  crackdown demo                                 a realistic case, served on http://127.0.0.1:8080
  crackdown --init import reports victims.jsonl  a new store with these reports (JSONL, JSON, CSV)
  crackdown reports list --status new --json     the triage queue, for scripts
  crackdown org add bank-a && crackdown user add alice --org bank-a --role analyst
  crackdown token create --user alice            a bearer token for the API
  crackdown serve                                the API on http://127.0.0.1:8080/api/v1/
  crackdown --database postgres://u:p@db/crackdown serve    on a team PostgreSQL";

#[derive(Args)]
pub struct Global {
    /// The data directory holding the embedded database.
    #[arg(long, global = true, env = "CRACKDOWN_DATA", default_value = "crackdown-data")]
    pub data: PathBuf,
    /// Create the data directory when it does not exist yet. Without it a missing directory is an
    /// error, so a mistyped --data never silently starts a new, empty store (`demo` always creates it).
    #[arg(long, global = true)]
    pub init: bool,
    /// Use a PostgreSQL server instead of the embedded database (postgres://user:pass@host/db).
    #[arg(long, global = true, env = "CRACKDOWN_DATABASE_URL", hide_env_values = true)]
    pub database: Option<String>,
    /// Act as this user instead of the installation's operator.
    #[arg(long = "as", global = true, value_name = "USER")]
    pub as_user: Option<String>,
    /// More log output on stderr (-v, -vv); or set CRACKDOWN_LOG=debug.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// The key that encrypts victim contacts and webhook secrets in the database; created (0600)
    /// on first start. Default DATA/crackdown.key; required with --database. Back it up apart
    /// from the database: without it those fields cannot be read.
    #[arg(long, global = true, env = "CRACKDOWN_KEY_FILE")]
    pub key_file: Option<PathBuf>,
    /// A private address range webhooks may reach (repeatable or comma-separated), for receivers
    /// on your own network; by default only public https addresses are allowed.
    #[arg(long, global = true, env = "CRACKDOWN_WEBHOOK_ALLOW_PRIVATE", value_delimiter = ',', value_name = "CIDR")]
    pub webhook_allow_private: Vec<crackdown_link::outbound::Cidr>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create (on first start) and serve a realistic demo case: a raided scam compound and its victims.
    Demo(DemoArgs),
    /// Write a synthetic case as import files, with the truth behind it, for tests and benchmarks.
    Generate(GenerateArgs),
    /// Serve the web UI and the HTTP API.
    Serve(ServeArgs),
    /// Load files into the store.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Read and triage reports.
    #[command(subcommand)]
    Reports(ReportsCommand),
    /// Analyse messages: indicators, label, scam type and stage, with reasons (JSONL in, JSONL out).
    ///
    /// Each input line is {"id", "text", "lang"?, "country"?}; each output line, in input order, is
    /// {"id", "label", "scam_type", "stage", "confidence", "indicators": [{"type", "value",
    /// "normalized", "valid", "start", "end"}], "reasons"}. A bad line yields {"id"?, "error"}.
    Analyze(AnalyzeArgs),
    /// Train the lure model on labelled message sets (DIR/messages.jsonl with text and label).
    Train(TrainArgs),
    /// Measure analysis quality on labelled data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Manage organisations (operator admins).
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage sharing communities: groups of organisations that see each other's GREEN reports
    /// and the AMBER reports shared with them.
    #[command(subcommand)]
    Community(CommunityCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Seized ledgers: import transfers, export them for a distributed engine.
    ///
    /// A ledger is evidence of your organisation's case: it belongs to the
    /// importing organisation and only that organisation's admins and analysts
    /// may import or read it, here and in every money-trail command.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Account reference data for the ledger (accounts.csv).
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Follow victim payments through the ledger to where the money can still be frozen.
    Trace(TraceArgs),
    /// Rank every account of the ledger by how likely it is a money mule.
    Mules(MulesArgs),
    /// Traced victim money per endpoint account: what to send to banks and exchanges.
    FreezeList(FreezeListArgs),
    /// Laundering typologies found in the ledger, each with the transfers that form it.
    Typologies(TypologiesArgs),
    /// Per-transfer graph features compatible with Snap ML's GraphFeaturePreprocessor.
    ///
    /// One row per transfer: the histogram columns of each pattern (fan-in/out,
    /// degree-in/out, scatter-gather, temporal cycles, length-constrained
    /// cycles) at snapml's default windows and bins, then the vertex
    /// statistics, so the file feeds a model trained on snapml's output.
    ///
    /// The cycle patterns count every cycle: on a ledger where money
    /// circulates through busy accounts (employers, merchants, exchanges) there
    /// are billions, and they can take hours — as they do in snapml. Leave them
    /// out with --patterns, or bound --lc-cycle-len.
    ///
    /// Example: crackdown features --out features.csv --patterns fan,degree,scatter-gather,vertex-stats
    Features(FeaturesArgs),
    /// Link reports into campaigns (new reports are linked as they arrive; `--rebuild` relinks all).
    Link(LinkArgs),
    /// Campaigns: reports linked through shared specific indicators and near-duplicate text.
    #[command(subcommand)]
    Campaigns(CampaignsCommand),
    /// The public "check before you pay" lookup of a phone, link, wallet or account.
    Lookup(LookupArgs),
    /// Share with partners: a STIX 2.1 bundle, MISP events or FollowTheMoney entities.
    ///
    /// Exports what you may read and nothing marked above --tlp-max (nor any reference to it);
    /// never victims' contacts or cards; report texts only with --with-text.
    ///
    ///   crackdown export stix --campaign cmp-… --tlp-max green --out campaign.json
    ///   crackdown export misp --since 2026-11-01
    ///   crackdown export ftm --reports ids.txt > entities.ftm.json
    Export(crate::share::ExportArgs),
    /// TAXII 2.1: read a partner's collection into this store.
    #[command(subcommand)]
    Taxii(crate::taxii::TaxiiCommand),
    /// Everything you may read that names a value: reports, campaigns, ledger accounts and
    /// transfers, watch entries. Phones in any format, (defanged) links, domains, wallets, IBANs,
    /// transaction ids, handles; other words are searched in report texts.
    ///
    ///   crackdown search "062 581 2452" --country TH
    ///   crackdown search TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE --json
    Search(LookupArgs),
    /// Humanitarian screening of detained workers: case teams, interviews against trafficking
    /// indicators, recommendations with reasons (never a verdict), decisions, referrals under consent,
    /// case exports, erasure. RED and need-to-know; every read needs --reason and is audited.
    #[command(subcommand)]
    Screening(crate::screening::ScreeningCommand),
    /// Your organisation's watchlist: indicators, prefixes, domains, regexes, campaigns and scam
    /// types that raise an alert when a new report names them (admins and analysts).
    #[command(subcommand)]
    Watchlists(WatchlistsCommand),
    /// Where your organisation's alerts are POSTed, signed (see docs/webhooks.md).
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Alerts raised by your organisation's watchlist.
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// Values your organisation vouches for — its real hotline, the police hotline victims quote,
    /// its own domains. The public lookup and the pre-payment check answer "known legitimate"
    /// for them, and linking never joins reports through them (relink with `link --rebuild` to
    /// apply a new entry to existing campaigns).
    #[command(subcommand)]
    Allowlist(AllowlistCommand),
}

#[derive(Subcommand)]
pub enum AllowlistCommand {
    /// Add a value, typed any way (admins). A link puts its host on the list. Examples:
    ///   crackdown allowlist add "02 111 1111" --country TH
    ///   crackdown allowlist add https://www.kasikornbank.com/th
    Add {
        value: String,
        #[command(flatten)]
        region: PhoneRegion,
        #[arg(long)]
        json: bool,
    },
    /// List your organisation's entries.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a value, typed any way (admins).
    Remove {
        value: String,
        #[command(flatten)]
        region: PhoneRegion,
    },
}

#[derive(Subcommand)]
pub enum WatchlistsCommand {
    /// Add an entry.
    ///
    /// KIND is exact, prefix, domain_suffix, regex, campaign or scam_type. Examples:
    ///   crackdown watchlists add exact "+66 81 234 5678"
    ///   crackdown watchlists add prefix "GB29 NWBK" --label "our sort codes"
    ///   crackdown watchlists add domain_suffix siamcommerce.co.th
    ///   crackdown watchlists add regex '^TX[a-zA-Z0-9]+$' --type tron
    Add {
        kind: String,
        value: String,
        /// exact/regex: the indicator type (phone, url, iban, ...); prefix: iban, card_bin or phone.
        #[arg(long = "type")]
        qualifier: Option<String>,
        #[arg(long)]
        label: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the entries.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an entry by id (its alerts stay).
    Remove { id: i64 },
}

#[derive(Subcommand)]
pub enum WebhooksCommand {
    /// Register a receiver URL; its signing secret is printed once.
    Add {
        url: String,
        #[arg(long)]
        json: bool,
    },
    /// List the receivers with their delivery counts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Deactivate a receiver by id and cancel its pending deliveries.
    Remove { id: i64 },
}

#[derive(Subcommand)]
pub enum AlertsCommand {
    /// Newest first.
    List {
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct LinkArgs {
    /// Relink every stored report and replace the stored campaigns.
    #[arg(long)]
    pub rebuild: bool,
    /// With --rebuild: derive every report's link features and signature
    /// from its text again instead of reading them from the link index
    /// (after an upgrade that derives them differently).
    #[arg(long, requires = "rebuild")]
    pub reindex: bool,
    /// Print a JSON summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum CampaignsCommand {
    /// The campaigns you may see (two reports or more unless --all).
    List {
        /// Include single-report campaigns.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// One campaign with its reports, indicators and why each report is in it.
    Show {
        /// The campaign id as `campaigns list` prints it (`cmp-…`): the same for
        /// everyone who sees the same campaign, kept when it grows or is relinked.
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct LookupArgs {
    /// The value to check: a phone in any format, a (defanged) link, a wallet, an IBAN.
    pub value: String,
    #[command(flatten)]
    pub region: PhoneRegion,
    #[arg(long)]
    pub json: bool,
}

/// Where a phone number written without its country code is read.
#[derive(Args)]
pub struct PhoneRegion {
    /// Country of a national phone number (ISO code).
    #[arg(long)]
    pub country: Option<String>,
    /// Language whose country a national phone number is read in (th, my, zh, ...).
    #[arg(long)]
    pub lang: Option<String>,
}

impl PhoneRegion {
    pub fn context(&self) -> crackdown_lure::Context {
        crackdown_engine::campaigns::lookup_context(self.country.as_deref(), self.lang.as_deref())
    }
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub server: ServerOptions,
}

/// How `serve` and `demo` run the HTTP server.
#[derive(Args)]
pub struct ServerOptions {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The URL people open (passkeys are bound to its host); default http://localhost:PORT on loopback.
    #[arg(long, env = "CRACKDOWN_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Public lookups per second each client may make after a burst of 120 (default 10).
    #[arg(long, env = "CRACKDOWN_LOOKUP_RATE")]
    pub lookup_rate: Option<u32>,
    /// PEM file of private certificate authorities whose https:// webhook receivers are trusted,
    /// besides the public roots built in.
    #[arg(long, env = "CRACKDOWN_WEBHOOK_CA")]
    pub webhook_ca: Option<PathBuf>,
    /// Address of a reverse proxy in front of the server (repeatable, or comma-separated in the
    /// variable): requests from it are counted against the client its X-Forwarded-For names.
    #[arg(long = "trusted-proxy", env = "CRACKDOWN_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The organisation that receives reports of the public form (its staff triage them);
    /// default the operator organisation `local`, the demo's NGO hotline.
    #[arg(long, env = "CRACKDOWN_PUBLIC_ORG")]
    pub public_org: Option<String>,
    /// Seconds a client has to send a request's headers, and a kept-alive connection may sit idle.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub header_timeout: u64,
    /// Seconds a request's body has to arrive in full.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    pub body_timeout: u64,
}

#[derive(Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub server: ServerOptions,
    /// Seed of the generated case (used when the data directory is new).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

#[derive(Args)]
pub struct GenerateArgs {
    /// Directory to write the case into (created if needed).
    #[arg(long)]
    pub out: PathBuf,
    /// The same seed writes byte-identical files.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Victim reports to write.
    #[arg(long, default_value_t = 3000)]
    pub reports: u64,
    /// Ledger transactions to write: at least this many; laundering already set
    /// off on the last day completes, which may add a few.
    #[arg(long, default_value_t = 200_000)]
    pub transactions: u64,
    /// Percent of persons whose legitimate habits look like a mule's.
    #[arg(long, default_value_t = 25)]
    pub lookalikes: u32,
    /// Percent of the economy's accounts held at the bank whose book the ledger is.
    /// 100 (the default) writes every transfer, as a compound's seized books show
    /// them; below 100 the ledger is one bank's records: transfers between two
    /// other banks' customers are left out and the population grows, so the rows
    /// spread over more accounts (victims and mules are always in the book).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub book_share: u32,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import scam reports from JSONL, a JSON array or CSV ("-" reads stdin).
    ///
    /// Fields (JSON keys or CSV columns): id, text (required), channel, language,
    /// reported_at (RFC 3339), loss_amount (decimal string), loss_currency,
    /// tlp, reporter, victim_contact, consent_share, consent_publish.
    /// Good records are committed in whole batches; bad ones are listed with
    /// file, line, field and reason. Re-importing a file imports nothing new.
    Reports(ImportReportsArgs),
    /// Import forwarded scam e-mails: .eml files, mbox files, or directories of them (recursively).
    ///
    /// One report per message, the original kept byte-exact with its SHA-256; headers, links
    /// (with the domain their visible text names) and attachments (name, type, size, SHA-256;
    /// never opened) are extracted. The first recipient is kept as the protected victim contact.
    /// Importing the same message again changes nothing.
    Email(ImportEvidenceArgs),
    /// Import chat exports: WhatsApp text (Android and iOS), Telegram Desktop result.json, LINE text.
    ///
    /// One report per conversation with its messages in order; the account owner is the victim
    /// (protected contact) and the other party the counterpart identity.
    Chat(ImportChatArgs),
    /// Import a partner's STIX 2.1 bundle (TLP 1.0 and 2.0 markings; phone, bank-account and
    /// wallet observables as another platform emits them too).
    ///
    /// Each shared report, and each indicator no shared report names, is stored through the
    /// intake like any report (analysed, linked with yours, watched), under the partner's name and
    /// the object's id: importing the same object again stores nothing. Markings are never lowered
    /// (conflicting ones: the stricter wins); only CLEAR values reach the public lookup. The whole
    /// file or nothing: an error names the object (index and id) and the reason.
    Stix(crate::share::SharedImportArgs),
    /// Import a partner's MISP events (as MISP's REST search returns them, or a bare event array).
    Misp(crate::share::SharedImportArgs),
    /// Import FollowTheMoney entities (JSON lines): bank accounts, wallets, user accounts.
    Ftm(crate::share::SharedImportArgs),
}

/// Options shared by the evidence imports.
#[derive(Args)]
pub struct EvidenceOptions {
    /// TLP marking of the reports.
    #[arg(long, default_value = "amber")]
    pub tlp: String,
    /// Share AMBER reports with this community (repeatable).
    #[arg(long = "share", value_name = "COMMUNITY")]
    pub share: Vec<String>,
    /// Users allowed to read RED reports (repeatable).
    #[arg(long = "recipient", value_name = "USER")]
    pub recipients: Vec<String>,
    /// Print a JSON summary on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct ImportEvidenceArgs {
    /// .eml files, mbox files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub options: EvidenceOptions,
}

#[derive(Args)]
pub struct ImportChatArgs {
    /// Chat export files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The victim's name as it appears in the export, when the export cannot tell.
    #[arg(long)]
    pub owner: Option<String>,
    /// UTC offset of the phone that exported it (WhatsApp and LINE times carry none), e.g. +07:00.
    #[arg(long, value_name = "OFFSET")]
    pub utc_offset: Option<String>,
    #[command(flatten)]
    pub options: EvidenceOptions,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Jsonl,
    Json,
    Csv,
}

#[derive(Args)]
pub struct ImportReportsArgs {
    /// Files to import; "-" for standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// File format; guessed from the name and first byte when absent.
    #[arg(long)]
    pub format: Option<ReportFormat>,
    /// TLP marking for records that carry none.
    #[arg(long, default_value = "amber")]
    pub tlp: String,
    /// Share AMBER reports with this community (repeatable).
    #[arg(long = "share", value_name = "COMMUNITY")]
    pub share: Vec<String>,
    /// Users allowed to read RED reports (repeatable).
    #[arg(long = "recipient", value_name = "USER")]
    pub recipients: Vec<String>,
    /// Reports per transaction: a batch is committed whole or not at all.
    #[arg(long, default_value_t = 5000)]
    pub batch_size: usize,
    /// Print a JSON summary on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct AnalyzeArgs {
    /// JSONL file of messages; "-" reads standard input. With --eml: an .eml file, an mbox, or a
    /// directory of them.
    pub file: PathBuf,
    /// A model written by `crackdown train` instead of the shipped one.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Read e-mails instead of JSONL: one JSON object per message, with "auth" (SPF, DKIM, DMARC,
    /// ARC), "flags" and "attachments".
    #[arg(long)]
    pub eml: bool,
    /// With --eml: answer DNS from this file of records instead of the system resolver (offline).
    #[arg(long, requires = "eml")]
    pub dns_fixture: Option<PathBuf>,
    /// With --eml: brand domains to protect, one a line (`#` comments); look-alikes are flagged.
    #[arg(long, requires = "eml")]
    pub protected_domains: Option<PathBuf>,
    /// Extraction only: write {"id", "indicators"} per line and skip classification, for
    /// pipelines that need no label, scam type or stage.
    #[arg(long, conflicts_with_all = ["eml", "model"])]
    pub indicators_only: bool,
}

#[derive(Args)]
pub struct TrainArgs {
    /// Where to write the model.
    #[arg(long)]
    pub out: PathBuf,
    /// Directories holding a messages.jsonl each, or cases written by `crackdown generate`.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// What the model was trained on, stored in the model file (default: the directory names).
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Precision, recall and F1 of the label (scam or spam vs ham) on every set under DIR, with
    /// k-fold cross-validation on the sets the shipped model trains on; macro-F1 and a confusion
    /// matrix of scam_type where a set labels it.
    Lure {
        /// A directory of data sets (each a folder with messages.jsonl).
        dir: PathBuf,
        /// Folds of the cross-validation.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Cross-validate each set with a model trained on that set alone.
        #[arg(long)]
        own_set: bool,
        /// A case written by `crackdown generate` whose reports join the training data of every
        /// fold (never scored there); score the generated lure corpus on a case of another seed.
        #[arg(long)]
        train_case: Option<PathBuf>,
        /// Write one JSON line per cross-validated message to this file: set, id, fold, truth,
        /// predicted label, how likely unwanted, text. Read the misses from it, or score another
        /// classifier on exactly the same folds (bench/run lure --parts quality does).
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum ReportsCommand {
    /// List reports you may read, newest first.
    List(ListArgs),
    /// Show one report with its history.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// The triage queue: reports with status new that you may read.
    Triage {
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Analyse stored reports that have no lure analysis yet (after an upgrade), or all of them.
    Analyze {
        /// Analyse every report you may analyse again, replacing what is stored.
        #[arg(long)]
        all: bool,
    },
    /// Set the triage status of reports (new, triaged, linked, closed), all or none; each change is audited.
    Status {
        /// The new status.
        status: String,
        /// Report ids.
        #[arg(required = true)]
        ids: Vec<i64>,
    },
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub tlp: Option<String>,
    /// Case-insensitive text search.
    #[arg(long)]
    pub query: Option<String>,
    /// At most this many reports.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Only reports older than this id (the cursor a previous page printed).
    #[arg(long)]
    pub before: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Add an organisation.
    Add {
        name: String,
        /// Trust its allow-list in the public lookup and in linking (by default its entries
        /// shape only its own views, so no member organisation can whitewash a scam number).
        #[arg(long)]
        vouches_publicly: bool,
    },
    /// Change an existing organisation's trust.
    Set {
        name: String,
        /// Whether its allow-list answers the public lookup and guides linking.
        #[arg(long, action = clap::ArgAction::Set, value_name = "true|false")]
        vouches_publicly: bool,
    },
    /// List organisations.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user to an organisation.
    Add {
        name: String,
        #[arg(long)]
        org: String,
        /// admin, analyst, reporter or partner (read-only).
        #[arg(long)]
        role: String,
    },
    /// List users.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Print a one-time sign-in link for the web UI (single use, valid 30 minutes).
    ///
    /// The link points at the URL the last `serve` or `demo` on this store announced (its
    /// --public-url, or http://localhost:PORT of the port it listened on); --public-url overrides it.
    SigninLink {
        name: String,
        /// The URL the server is reached at (default: where the last `serve` on this store ran).
        #[arg(long, env = "CRACKDOWN_PUBLIC_URL")]
        public_url: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum CommunityCommand {
    /// Create a sharing community.
    Add { name: String },
    /// Add an organisation to a community.
    Join {
        community: String,
        #[arg(long)]
        org: String,
    },
    /// List communities and their members.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token; its secret is printed once.
    Create {
        /// Whose token (default: yourself).
        #[arg(long)]
        user: Option<String>,
        #[arg(long, default_value = "cli")]
        label: String,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by id.
    Revoke { id: i64 },
    /// List tokens (never their secrets).
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Import transfers from ledger files, bank statements and explorer exports (files or folders).
    ///
    /// native header: tx_id,timestamp,from_account,to_account,amount,currency,channel
    /// (RFC 3339 timestamps, exact decimal amounts; optional received_amount,received_currency
    /// make a row a currency conversion leg; other columns are kept). amlworld: IBM AMLworld's
    /// CSV. Statements: SWIFT MT940/MT942, ISO 20022 camt.052/053/054, Etherscan and Tronscan
    /// CSV exports, and CSV/XLSX spreadsheets through --mapping; all statement files of one run
    /// are reconciled together, so both banks' views of one transfer become one row, and every
    /// row keeps its file, statement and entry. Rows are committed in whole batches; a rerun
    /// stores only what is missing (tx ids already stored are recognised). Bad lines,
    /// unbalanced statements, duplicates and balance anomalies are listed with file, line and
    /// field; the exit code is 1 when there was any error or unbalanced statement.
    Import(LedgerImportArgs),
    /// Export the ledger: Parquet files a distributed engine reads (Spark, DataFusion, DuckDB),
    /// or the native CSV with each row's provenance.
    Export(LedgerExportArgs),
    /// Show one transfer of the ledger with where it came from (file, statement, entry).
    Show(LedgerShowArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LedgerFileFormat {
    /// Recognise each file from its content.
    Auto,
    Native,
    Amlworld,
    Mt940,
    /// camt.052, camt.053 or camt.054 (told apart by content).
    Camt,
    /// An Excel workbook; needs --mapping.
    Xlsx,
    /// A bank's CSV statement; needs --mapping.
    Csv,
    Etherscan,
    Tronscan,
}

#[derive(Args)]
pub struct LedgerImportArgs {
    /// Files or folders (read recursively, in name order).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "auto")]
    pub format: LedgerFileFormat,
    /// Column mapping for CSV/XLSX statements: a profile file (TOML or JSON), the name of a
    /// mapping your organisation saved, or the one-line form
    /// "Booking date=timestamp,Debit=amount_out,Credit=amount_in,@currency=EUR" (fields: timestamp,
    /// value_date, amount, amount_in, amount_out, direction, currency, counterparty,
    /// counterparty_name, reference, end_to_end, description, account, balance, type; options
    /// @account, @currency, @date_format, @decimal_comma, @delimiter, @sheet). A spreadsheet with a
    /// profile beside it (`export.profile.toml` for `export.csv`) is read with that one instead, so
    /// a folder of several banks' sheets imports in one run.
    #[arg(long, visible_alias = "map", value_name = "FILE|NAME|MAPPING")]
    pub mapping: Option<String>,
    /// Save the --mapping under this name for your organisation (e.g. the bank's name), so the
    /// next production of the same bank imports with `--mapping NAME`.
    #[arg(long, value_name = "NAME", requires = "mapping")]
    pub save_mapping: Option<String>,
    /// Transfers per transaction: a batch is committed whole or not at all.
    #[arg(long, default_value_t = 50_000)]
    pub batch_size: usize,
    /// Print a JSON summary on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct LedgerShowArgs {
    /// The transfer's tx id.
    pub tx: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct LedgerExportArgs {
    /// Directory to write transfers-NNNNN.parquet and accounts.parquet into.
    #[arg(long, value_name = "DIR", required_unless_present = "csv")]
    pub parquet: Option<PathBuf>,
    /// Write the native ledger CSV plus source_file,source_statement,source_entry to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Transfers per Parquet file.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows_per_file: usize,
}

#[derive(Subcommand)]
pub enum AccountsCommand {
    /// Import accounts.csv (header account,country,kind; kind one of person, business, merchant,
    /// employer, utility, exchange, cash, unknown; an empty country is accepted). A later import
    /// of an account replaces its country and kind.
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RuleArg {
    Fifo,
    Lifo,
    Libr,
    Prorata,
    Poison,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum JsonFormat {
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Csv,
    Json,
}

#[derive(Args)]
pub struct TracingArgs {
    /// Tracing rule: fifo (Clayton's case), lifo, libr (lowest intermediate balance),
    /// prorata, poison (every later outflow tainted; amounts not conserved).
    #[arg(long, value_enum, default_value = "fifo")]
    pub rule: RuleArg,
    /// Follow money this long after the victim payment (inclusive), e.g. 90d, 12h, 2w;
    /// "none" follows it to the end of the ledger.
    #[arg(long, default_value = "90d")]
    pub horizon: String,
    /// Do not follow traced parts smaller than this many minor units (they count as unresolved).
    #[arg(long, default_value_t = 0)]
    pub dust: i64,
    /// Stop a trace after handling this many transfers of accounts holding traced money; the
    /// money then ends where it sits (reason horizon) and the trace says when it stopped.
    /// Default: 5000 under poison (whose taint reaches most of a busy ledger), no limit otherwise.
    #[arg(long)]
    pub max_steps: Option<usize>,
    /// Threads for batch tracing.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["tx", "tx_file"])))]
pub struct TraceArgs {
    /// The victim payment to trace.
    #[arg(long)]
    pub tx: Option<String>,
    /// A file of tx ids (one per line) to trace in batch; needs --out.
    #[arg(long, requires = "out")]
    pub tx_file: Option<PathBuf>,
    /// Directory for batch results, one <tx_id>.json each.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub tracing: TracingArgs,
    #[arg(long, value_enum, default_value = "json")]
    pub format: JsonFormat,
}

#[derive(Args)]
pub struct MulesArgs {
    #[arg(long, value_enum, default_value = "csv")]
    pub format: TableFormat,
    /// List the evidence behind one account's score instead.
    #[arg(long, value_name = "ACCOUNT")]
    pub explain: Option<String>,
    /// Learn from labelled accounts: CSV account,label (label 1/0, true/false, mule/legit).
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("payments").required(true).args(["tx_file", "victims"])))]
pub struct FreezeListArgs {
    /// The victim payments: a file of tx ids, one per line.
    #[arg(long)]
    pub tx_file: Option<PathBuf>,
    /// Victim accounts, one per line: every transfer they sent to an account of kind person or
    /// unknown is a victim payment (payments to merchants, employers, utilities, businesses,
    /// exchanges and cash are their own spending).
    #[arg(long)]
    pub victims: Option<PathBuf>,
    #[command(flatten)]
    pub tracing: TracingArgs,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: TableFormat,
}

#[derive(Args)]
pub struct TypologiesArgs {
    #[arg(long, value_enum, default_value = "json")]
    pub format: TableFormat,
    /// Same as `--format json`.
    #[arg(long)]
    pub json: bool,
    /// Store the hits found, replacing the organisation's previously stored ones.
    #[arg(long, conflicts_with = "stored")]
    pub store: bool,
    /// Print the stored hits instead of searching the ledger again.
    #[arg(long)]
    pub stored: bool,
    /// Only hits of this kind (fan_in, fan_out, scatter_gather, gather_scatter, cycle, layering,
    /// peel_chain, rapid_pass_through, structuring).
    #[arg(long)]
    pub kind: Option<String>,
}

#[derive(Args)]
pub struct FeaturesArgs {
    /// CSV to write: tx_id then one column per pattern and bin.
    #[arg(long)]
    pub out: PathBuf,
    /// Patterns to compute, by snapml's names, comma-separated: fan, degree, scatter-gather,
    /// temp-cycle, lc-cycle, vertex-stats.
    #[arg(long, value_delimiter = ',', default_value = "fan,degree,scatter-gather,temp-cycle,lc-cycle,vertex-stats")]
    pub patterns: Vec<String>,
    /// Longest length-constrained cycle counted, in accounts (snapml's lc-cycle_len); its
    /// columns are the sizes 2 to this.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(2..=64))]
    pub lc_cycle_len: u16,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

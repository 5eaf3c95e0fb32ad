//! `/api/v1/campaigns` and the banks' pre-payment `/api/v1/check`: the
//! engine's per-viewer campaigns (re-partitioned over the reports the caller
//! may read, so a campaign never leaks a link through an unreadable report)
//! and the beneficiary check from what the caller's organisation may read.

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use crackdown_engine::campaigns::{self, CampaignGraph, GraphEdge};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::api::{Auth, blocking};
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/campaigns", get(list_campaigns))
        .route("/api/v1/campaigns/{id}", get(get_campaign))
        .route("/api/v1/campaigns/{id}/graph", get(campaign_graph))
        .route("/api/v1/report-campaigns", get(report_campaigns))
        .route("/api/v1/check", post(check))
}

#[derive(OpenApi)]
#[openapi(paths(list_campaigns, get_campaign, campaign_graph, report_campaigns, check))]
pub struct CampaignsDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// Include single-report campaigns.
    #[serde(default)]
    all: bool,
}

/// The campaigns the caller may see, oldest first: `id` (opaque and stable:
/// the same for every caller who sees the same campaign, kept when linking
/// changes), `name` (scam type and most specific indicator), `reports` (ids
/// as given at import, else internal ids), `indicators`, `victims`, `loss`,
/// `first_seen`, `last_seen`, `scam_types`.
#[utoipa::path(get, path = "/api/v1/campaigns", params(ListQuery),
    responses((status = 200, description = "Campaigns, oldest first", body = serde_json::Value), (status = 401)))]
pub(crate) async fn list_campaigns(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<ListQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let list = blocking(&state, move |store| Ok(campaigns::campaigns(store, &viewer, query.all)?)).await?;
    Ok(Json(serde_json::to_value(list).map_err(ApiError::internal)?))
}

/// One campaign with its internal `report_ids` and the `links` that explain
/// why each report is in it (shared indicators with their weights,
/// near-duplicate text with its similarity).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", params(("id" = String, Path, description = "Campaign id (`cmp-…`)")),
    responses((status = 200, description = "The campaign", body = serde_json::Value), (status = 401), (status = 404)))]
pub(crate) async fn get_campaign(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let campaign = blocking(&state, move |store| Ok(campaigns::campaign(store, &viewer, &id)?)).await?;
    let mut value = serde_json::to_value(&campaign).map_err(ApiError::internal)?;
    value["report_ids"] = serde_json::to_value(&campaign.report_ids).map_err(ApiError::internal)?;
    value["links"] = serde_json::to_value(&campaign.links).map_err(ApiError::internal)?;
    Ok(Json(value))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct GraphQuery {
    /// Most nodes to return (default 2000, at most 10000). Reports are taken
    /// in order of arrival, each with the indicators it names, until the
    /// next would not fit.
    limit: Option<usize>,
}

/// An amount with its currency.
#[derive(Serialize, ToSchema)]
pub(crate) struct Amount {
    /// Exact decimal string.
    amount: String,
    currency: String,
}

/// `report` or `indicator`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NodeKind {
    Report,
    Indicator,
}

/// A node of the campaign network: a report the caller may read, or a value
/// such reports name. Report fields are present on reports only, indicator
/// fields on indicators only.
#[derive(Serialize, ToSchema)]
pub(crate) struct GraphNode {
    /// Unique in the graph: `r<report id>` or `i<n>`.
    id: String,
    kind: NodeKind,
    /// Internal report id (reports).
    #[serde(skip_serializing_if = "Option::is_none")]
    report_id: Option<i64>,
    /// The id given at import (reports).
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scam_type: Option<String>,
    /// TLP 2.0 marking (reports).
    #[serde(skip_serializing_if = "Option::is_none")]
    tlp: Option<String>,
    /// When the report was received (reports).
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen: Option<DateTime<Utc>>,
    /// Claimed loss (reports that give one).
    #[serde(skip_serializing_if = "Option::is_none")]
    loss: Option<Amount>,
    /// Indicator type: phone, url, domain, iban, btc… (indicators).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    indicator_type: Option<String>,
    /// Normalized value (indicators).
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized: Option<String>,
    /// Reports of this campaign naming it (indicators).
    #[serde(skip_serializing_if = "Option::is_none")]
    reports: Option<u64>,
    /// Specificity: `ln((reports + prior) / reports naming it)` (indicators).
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<f64>,
    /// links, unique, hub, too_common or bridge (indicators).
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    /// A hub or too common to link: never joins reports (indicators).
    #[serde(skip_serializing_if = "Option::is_none")]
    hub: Option<bool>,
    /// On an organisation's list of legitimate contacts (indicators).
    #[serde(skip_serializing_if = "Option::is_none")]
    known_legitimate: Option<bool>,
}

/// `indicator` (a report names a value) or `near_duplicate_text` (two
/// reports' texts are near-duplicates).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EdgeKind {
    Indicator,
    NearDuplicateText,
}

/// An edge of the campaign network with why it is there.
#[derive(Serialize, ToSchema)]
pub(crate) struct GraphEdgeDto {
    id: String,
    kind: EdgeKind,
    /// A report node.
    source: String,
    /// An indicator node, or another report node.
    target: String,
    /// The indicator's specificity, or the texts' estimated similarity.
    weight: f64,
    explanation: String,
}

/// Reports received on one day (UTC) and their losses.
#[derive(Serialize, ToSchema)]
pub(crate) struct TimelineDayDto {
    day: NaiveDate,
    reports: u64,
    /// Per currency, exact decimals; an exact resubmission counts once.
    loss: BTreeMap<String, String>,
}

/// A campaign as an indicator–report network with its time line.
#[derive(Serialize, ToSchema)]
pub(crate) struct CampaignGraphDto {
    campaign: String,
    /// The campaign's readable name.
    name: String,
    nodes: Vec<GraphNode>,
    edges: Vec<GraphEdgeDto>,
    /// Every day of the campaign, whatever the node limit.
    timeline: Vec<TimelineDayDto>,
    /// True when the limit left nodes out.
    truncated: bool,
    /// Nodes and edges of the whole campaign as the caller sees it.
    total_nodes: usize,
    total_edges: usize,
    /// The node limit applied.
    limit: usize,
}

fn role_name(role: crackdown_link::IndicatorRole) -> &'static str {
    match role {
        crackdown_link::IndicatorRole::Links => "links",
        crackdown_link::IndicatorRole::Unique => "unique",
        crackdown_link::IndicatorRole::Hub(_) => "hub",
        crackdown_link::IndicatorRole::TooCommon => "too_common",
        crackdown_link::IndicatorRole::Bridge { .. } => "bridge",
    }
}

impl From<CampaignGraph> for CampaignGraphDto {
    fn from(graph: CampaignGraph) -> CampaignGraphDto {
        let report_node = |index: usize| format!("r{}", graph.reports[index].id);
        let mut nodes: Vec<GraphNode> = graph
            .reports
            .iter()
            .map(|report| GraphNode {
                id: format!("r{}", report.id),
                kind: NodeKind::Report,
                report_id: Some(report.id),
                external_id: report.external_id.clone(),
                scam_type: report.scam_type.clone(),
                tlp: Some(report.tlp.to_string()),
                first_seen: Some(report.received_at),
                loss: report
                    .loss
                    .map(|loss| Amount { amount: loss.decimal(), currency: loss.currency().code().to_owned() }),
                indicator_type: None,
                normalized: None,
                reports: None,
                weight: None,
                role: None,
                hub: None,
                known_legitimate: None,
            })
            .collect();
        nodes.extend(graph.indicators.iter().enumerate().map(|(index, node)| GraphNode {
            id: format!("i{index}"),
            kind: NodeKind::Indicator,
            report_id: None,
            external_id: None,
            scam_type: None,
            tlp: None,
            first_seen: None,
            loss: None,
            indicator_type: Some(node.indicator.kind.as_str().to_owned()),
            normalized: Some(node.normalized.clone()),
            reports: Some(node.indicator.reports),
            weight: Some(node.indicator.weight),
            role: Some(role_name(node.indicator.role).to_owned()),
            hub: Some(node.hub),
            known_legitimate: Some(node.known_legitimate),
        }));
        let edges = graph
            .edges
            .iter()
            .enumerate()
            .map(|(index, edge)| {
                let (kind, source, target) = match edge {
                    GraphEdge::Names { report, indicator } => {
                        (EdgeKind::Indicator, report_node(*report), format!("i{indicator}"))
                    }
                    GraphEdge::NearDuplicate { from, to, .. } => {
                        (EdgeKind::NearDuplicateText, report_node(*from), report_node(*to))
                    }
                };
                GraphEdgeDto {
                    id: format!("e{index}"),
                    kind,
                    source,
                    target,
                    weight: graph.weight(edge),
                    explanation: graph.explain(edge),
                }
            })
            .collect();
        CampaignGraphDto {
            truncated: graph.truncated(),
            campaign: graph.campaign,
            name: graph.name,
            nodes,
            edges,
            timeline: graph
                .timeline
                .into_iter()
                .map(|day| TimelineDayDto { day: day.day, reports: day.reports, loss: day.loss })
                .collect(),
            total_nodes: graph.total_nodes,
            total_edges: graph.total_edges,
            limit: graph.limit,
        }
    }
}

/// One campaign as an indicator–report network: report nodes, indicator
/// nodes (hubs and known-legitimate values flagged), report–indicator and
/// near-duplicate-text edges with their explanations, and reports and loss
/// per day. Built only from reports the caller may read, so no node or
/// edge comes from a report they may not read.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/graph",
    params(("id" = String, Path, description = "Campaign id (`cmp-…`)"), GraphQuery),
    responses((status = 200, body = CampaignGraphDto), (status = 401), (status = 404)))]
pub(crate) async fn campaign_graph(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(id): Path<String>,
    Query(query): Query<GraphQuery>,
) -> Result<Json<CampaignGraphDto>, ApiError> {
    let limit = query.limit.unwrap_or(campaigns::GRAPH_DEFAULT_NODES);
    let graph = blocking(&state, move |store| Ok(campaigns::campaign_graph(store, &viewer, &id, limit)?)).await?;
    Ok(Json(graph.into()))
}

/// The comma-separated report ids of query field `field`, at most `max`.
pub(crate) fn report_ids(field: &str, list: &str, max: usize) -> Result<Vec<i64>, ApiError> {
    let ids: Vec<i64> = list
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| id.parse().map_err(|_| ApiError::bad_request(format!("{field}: {id:?} is not a report id"))))
        .collect::<Result<_, _>>()?;
    if ids.len() > max {
        return Err(ApiError::bad_request(format!("{field}: at most {max} reports per request")));
    }
    Ok(ids)
}

/// Most report ids one `report-campaigns` request may name.
const REPORT_CAMPAIGNS_MAX: usize = 200;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportCampaignsQuery {
    /// Comma-separated report ids (at most 200).
    ids: String,
}

/// The campaign of each report.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReportCampaigns {
    /// Report id → campaign id, for the named reports the caller may read
    /// that share a campaign with another readable report.
    campaigns: BTreeMap<String, String>,
}

/// The campaigns of some reports as the caller sees them, for linking a
/// report page or the triage queue to the campaign view.
#[utoipa::path(get, path = "/api/v1/report-campaigns", params(ReportCampaignsQuery),
    responses((status = 200, body = ReportCampaigns), (status = 400), (status = 401)))]
pub(crate) async fn report_campaigns(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<ReportCampaignsQuery>,
) -> Result<Json<ReportCampaigns>, ApiError> {
    let ids = report_ids("ids", &query.ids, REPORT_CAMPAIGNS_MAX)?;
    let found = blocking(&state, move |store| Ok(campaigns::campaigns_of_reports(store, &viewer, &ids)?)).await?;
    Ok(Json(ReportCampaigns {
        campaigns: found.into_iter().map(|(report, campaign)| (report.to_string(), campaign)).collect(),
    }))
}

/// A beneficiary a bank is about to pay.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CheckRequest {
    /// IBAN, account number, wallet or phone, in any common spelling.
    beneficiary: String,
    /// Country of a national phone number (ISO 3166 code).
    country: Option<String>,
    /// Language whose country a national phone number is read in.
    lang: Option<String>,
}

/// Pre-payment check: a risk level (`high`, `medium`, `low`, `invalid`) with
/// its reasons, from the reports the caller's organisation may read.
#[utoipa::path(post, path = "/api/v1/check", request_body = CheckRequest,
    responses((status = 200, description = "Risk and reasons", body = serde_json::Value), (status = 400), (status = 401)))]
pub(crate) async fn check(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Json(request): Json<CheckRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let context = campaigns::lookup_context(request.country.as_deref(), request.lang.as_deref());
    let answer =
        blocking(&state, move |store| Ok(campaigns::check(store, &viewer, request.beneficiary.as_bytes(), &context)?))
            .await?;
    Ok(Json(serde_json::to_value(answer).map_err(ApiError::internal)?))
}

//! Signed webhooks (docs/api.md, "Webhooks"): a signed-in user registers
//! HTTPS endpoints for events of their tasks (an admin, for every task),
//! and deliverers POST each event in the Standard Webhooks format — signed
//! with the endpoint's secret, retried with backoff, the endpoint disabled
//! after repeated failure — through the SSRF guard. Events are queued by
//! the `outbox` where they happen; this feature manages endpoints and
//! delivers. `run` starts the deliverers.

mod deliver;
mod delivery_queue;
mod errors;
mod guard;
mod model;
mod queries;
mod routes;
mod secret;
mod service;
mod worker;

pub use routes::router;
pub use secret::Sealer;
pub use service::WebhooksState;
pub use worker::{Deliverer, spawn};

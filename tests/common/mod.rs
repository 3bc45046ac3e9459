//! The black-box client both test binaries drive the service with: a
//! cookie-aware `Browser` with one method per endpoint, its WebSocket, and a
//! fake OpenAI-compatible backend. The API tests point it at an app spawned
//! in-process (`tests/api/helpers.rs`); the cluster tests at running
//! instances and their balancer (`tests/cluster/`). Nothing here knows which.

pub mod browser;
pub mod fake_openai;
pub mod ws;

//! Where prompts go: the registry of known API hosts and where any URL sends data
//! ([`registry`]), the requests and bytes per destination ([`mod@traffic`]), the geometry of the
//! data-flow diagram the UI draws as inline SVG ([`mod@diagram`]), its colours ([`tint`]) and
//! its words ([`wording`]).

pub mod diagram;
pub mod registry;
pub mod tint;
pub mod traffic;
pub mod wording;

pub use diagram::{diagram, FlowDiagram, FlowEdge, FlowNode, FlowZone, NodeId};
pub use registry::{
    local_kind, Destination, Fact, FlowError, LocalKind, Place, Registry, BUILTIN_REGISTRY_JSON,
    REGISTRY_VERSION, TRAINING_VALUES,
};
pub use tint::Tint;
pub use traffic::{traffic, Traffic};
pub use wording::format_bytes;

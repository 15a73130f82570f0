//! Server-wide limits as one tower layer: a concurrency limit with load
//! shedding for the scorecard services (health and reflection are never
//! shed), and RESOURCE_EXHAUSTED for over-size messages, as the gRPC spec
//! asks (tonic answers OUT_OF_RANGE).

use http::{HeaderValue, Request, Response};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::Semaphore;
use tonic::body::Body;
use tower::{Layer, Service};

/// The layer; `max_in_flight` calls of the scorecard services at once.
#[derive(Clone)]
pub struct LimitsLayer {
    permits: Option<Arc<Semaphore>>,
    max_in_flight: usize,
}

impl LimitsLayer {
    pub fn new(max_in_flight: Option<usize>) -> Self {
        LimitsLayer {
            permits: max_in_flight.map(|n| Arc::new(Semaphore::new(n))),
            max_in_flight: max_in_flight.unwrap_or(0),
        }
    }
}

impl<S> Layer<S> for LimitsLayer {
    type Service = Limits<S>;
    fn layer(&self, inner: S) -> Limits<S> {
        Limits {
            inner,
            permits: self.permits.clone(),
            max_in_flight: self.max_in_flight,
        }
    }
}

#[derive(Clone)]
pub struct Limits<S> {
    inner: S,
    permits: Option<Arc<Semaphore>>,
    max_in_flight: usize,
}

impl<S, B> Service<Request<B>> for Limits<S>
where
    S: Service<Request<B>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let limited = request.uri().path().starts_with("/scorecard.");
        let permit = match (&self.permits, limited) {
            (Some(permits), true) => match permits.clone().try_acquire_owned() {
                Ok(p) => Some(p),
                Err(_) => {
                    super::metrics::refused("overloaded");
                    let status = tonic::Status::resource_exhausted(format!(
                        "server overloaded: {} calls in flight; retry with backoff",
                        self.max_in_flight
                    ));
                    return Box::pin(async move { Ok(status.into_http()) });
                }
            },
            _ => None,
        };
        // The clone/swap keeps the service that was polled ready.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let mut response = inner.call(request).await?;
            drop(permit);
            too_large_is_resource_exhausted(&mut response);
            Ok(response)
        })
    }
}

/// tonic answers an over-size request message with OUT_OF_RANGE in a
/// trailers-only response; the gRPC status for it is RESOURCE_EXHAUSTED.
fn too_large_is_resource_exhausted(response: &mut Response<Body>) {
    let headers = response.headers_mut();
    let is_out_of_range = headers.get("grpc-status").is_some_and(|v| v == "11");
    let too_large = headers
        .get("grpc-message")
        .and_then(|m| m.to_str().ok())
        .is_some_and(|m| {
            m.contains("message%20length%20too%20large") || m.contains("message length too large")
        });
    if is_out_of_range && too_large {
        headers.insert("grpc-status", HeaderValue::from_static("8"));
    }
}

/// The same mapping for a status a streaming handler sees mid-stream.
pub fn limit_status(status: tonic::Status) -> tonic::Status {
    if status.code() == tonic::Code::OutOfRange
        && status.message().contains("message length too large")
    {
        tonic::Status::resource_exhausted(status.message().to_string())
    } else {
        status
    }
}

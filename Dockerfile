# syntax=docker/dockerfile:1
#
# scorecard: stateless gRPC service for scoring performance reviews.
#
#   docker build -t scorecard .
#   docker run --rm -p 50051:50051 -p 9090:9090 scorecard
#
# Two stages:
#   builder  compiles `scorecard` and leaves exactly two things behind:
#            /out/scorecard (the release binary) and /out/rubrics (an empty
#            directory that becomes the rubric mount point).
#   runtime  distroless cc image (glibc + libgcc, no shell), user 65532.
#
# The runtime stage copies only from /out of the builder, so a binary built
# elsewhere can be packaged without compiling in the image (this is what
# .ci/docker-check does):
#   mkdir -p ctx/out/rubrics && cp target/release/scorecard ctx/out/
#   docker buildx build --build-context builder=ctx --target runtime -t scorecard .
#   buildah bud --build-context builder=ctx --target runtime -t scorecard .
# Such a binary must be linked against glibc <= 2.36 (Debian 12).
#
# For production pin both base images by digest (image@sha256:...).

########################################################################
FROM docker.io/library/rust:1.95-slim-bookworm AS builder

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

ENV CARGO_TERM_COLOR=never \
    CARGO_INCREMENTAL=0 \
    CARGO_NET_RETRY=5

WORKDIR /src

# The workspace: manifests, build script, protos, the service package and its
# members. Only the service is compiled (`-p scorecard`); the bench member is
# copied because cargo loads every member's manifest and targets. The cache
# mounts keep the registry and the compiled dependencies between builds, so a
# source change recompiles only the workspace's own crates.
COPY Cargo.toml Cargo.lock build.rs ./
COPY proto ./proto
COPY core ./core
COPY form ./form
COPY bench ./bench
COPY examples ./examples
COPY src ./src
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p scorecard \
 && install -D -m 0755 target/release/scorecard /out/scorecard \
 && install -d -m 0755 /out/rubrics \
 && /out/scorecard --version

########################################################################
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime

LABEL org.opencontainers.image.title="scorecard" \
      org.opencontainers.image.description="Stateless gRPC service that scores performance reviews"

COPY --from=builder /out/scorecard /usr/local/bin/scorecard
# Extra rubric files (the built-in rubrics need none); mount a ConfigMap here.
COPY --from=builder /out/rubrics /etc/scorecard/rubrics

ENV SCORECARD_LISTEN=0.0.0.0:50051 \
    SCORECARD_METRICS_LISTEN=0.0.0.0:9090 \
    SCORECARD_RUBRICS=/etc/scorecard/rubrics \
    SCORECARD_LOG_FORMAT=json

# nonroot of the distroless image, numeric so that Kubernetes can verify
# runAsNonRoot.
USER 65532:65532
WORKDIR /home/nonroot

# 50051: gRPC (incl. grpc.health.v1 and reflection); 9090: HTTP /metrics.
EXPOSE 50051 9090
VOLUME ["/etc/scorecard/rubrics"]

# For `docker run` only: Kubernetes ignores HEALTHCHECK and uses the probes in
# deploy/kubernetes/deployment.yaml. It asks http://127.0.0.1:50051 unless
# SCORECARD_SERVER says otherwise (with TLS: an https:// name the certificate
# holds, SCORECARD_CA_CERT, and under mTLS SCORECARD_CLIENT_CERT/_KEY).
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/scorecard", "health"]

# SIGTERM starts the graceful shutdown (health NOT_SERVING, then
# SCORECARD_SHUTDOWN_GRACE, then drain): give `docker stop -t` more than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/scorecard"]
CMD ["serve"]

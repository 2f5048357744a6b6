# The one Corral image: `corral extender | admission | csi`. Every Deployment and DaemonSet in deploy/
# uses it. Build: `docker build -t ghcr.io/corral-dev/corral:0.1.0 .` (BuildKit).
# Stages: build (npm ci + tsc), runtime (production node_modules only), and the final image, which
# adds the Ceph client libraries the CSI driver loads through koffi (librados, librbd), rbd-fuse for
# --mounter=fuse, the rbd CLI (ceph-common) for krbd, rbd-nbd (which `rbd device map --device-type nbd`
# runs) for --mounter=rbd-nbd, kmod (the /sbin/modprobe and /sbin/modinfo that `rbd device map` and
# rbd-nbd run to load the rbd or nbd kernel module on a node that has not loaded it yet; the node
# DaemonSet mounts the host's /lib/modules for them), and the filesystem and device tools NodeStage
# uses (test/deploy checks that every program the node service runs comes from a package installed
# here).

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npm ci && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json /src/package-lock.json ./
# node_modules/@corral/* are workspace symlinks into packages/ and plugins/: copy all three.
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages ./packages
COPY --from=build /src/plugins ./plugins
COPY --from=build /src/proto ./proto

FROM runtime AS corral
RUN apt-get update \
  && apt-get install -y --no-install-recommends \
    librados2 librbd1 rbd-fuse rbd-nbd ceph-common kmod e2fsprogs xfsprogs util-linux mount ca-certificates \
  && rm -rf /var/lib/apt/lists/*
# Non-root by default; the CSI node DaemonSet runs its driver container as root (deploy/default).
USER 65532:65532
ENTRYPOINT ["node", "/app/packages/cli/dist/main.js"]

# The agent-runner image plus the test bed's CA, so that git-clone trusts the tests' https git server (as a company
# adds its internal CA to images). Nothing else changes: same user, same entrypoint-less image. Built by images.sh.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
USER 0
COPY test-ca.crt /usr/local/share/ca-certificates/agent-operator-test-ca.crt
RUN update-ca-certificates
USER 1000:1000

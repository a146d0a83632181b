# syntax=docker/dockerfile:1
# Build: docker build -t ca-provisioner .   (not built in CI: no Docker engine there)

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY gitops-template gitops-template
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
# JGit is pure Java: no git binary needed; the embedded PostgreSQL (dev mode only) brings its own
RUN useradd --system --uid 10001 --home-dir /var/lib/ca-provisioner --create-home provisioner
COPY --from=build /src/target/ca-provisioner.jar /opt/ca-provisioner/ca-provisioner.jar
USER 10001
ENV PROVISIONER_HOME=/var/lib/ca-provisioner PORT=8000
WORKDIR /var/lib/ca-provisioner
# 8000: API and webhooks; 9464: /metrics (MANAGEMENT_PORT), for Prometheus only
EXPOSE 8000 9464
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/ca-provisioner/ca-provisioner.jar"]
CMD ["serve"]

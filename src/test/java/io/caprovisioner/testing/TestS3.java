package io.caprovisioner.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API server in the test JVM: S3Proxy on a local directory (jclouds' filesystem
 * store), checking AWS signatures (v2 or v4) against one key pair, with one bucket. Its
 * {@link #env()} is what the service is configured with; {@link #client()} is a plain AWS SDK
 * client for the test's own look at the bucket.
 */
public final class TestS3 implements AutoCloseable {
  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-key-0123456789";
  public static final String REGION = "us-east-1";
  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final Path dir;
  private final S3Client client;
  public final String bucket;

  public TestS3(String bucket) {
    this.bucket = bucket;
    try {
      dir = Files.createTempDirectory("ca-test-s3");
      Properties props = new Properties();
      props.setProperty("jclouds.filesystem.basedir", dir.toString());
      context = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential").overrides(props)
          .build(BlobStoreContext.class);
      proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
      proxy.start();
      long deadline = System.currentTimeMillis() + 10_000;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        Thread.sleep(10);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not start", e);
    }
    client = S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.create()).build();
    client.createBucket(b -> b.bucket(bucket));
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /** The service's configuration for this server. */
  public Map<String, String> env() {
    return Map.of("BACKUP_S3_ENDPOINT", endpoint(), "BACKUP_S3_BUCKET", bucket, "BACKUP_S3_REGION", REGION,
        "BACKUP_S3_ACCESS_KEY_ID", ACCESS_KEY, "BACKUP_S3_SECRET_ACCESS_KEY", SECRET_KEY);
  }

  /**
   * Backup storage configured but never reached: for services whose runner is off
   * (JOB_WORKERS=0), where the API only records backups, restores and rollouts. Port 9 (discard)
   * has no server here.
   */
  public static Map<String, String> unreachedEnv() {
    return Map.of("BACKUP_S3_ENDPOINT", "http://127.0.0.1:9", "BACKUP_S3_BUCKET", "unreached",
        "BACKUP_S3_ACCESS_KEY_ID", ACCESS_KEY, "BACKUP_S3_SECRET_ACCESS_KEY", SECRET_KEY);
  }

  public S3Client client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    context.close();
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder
    }
  }
}

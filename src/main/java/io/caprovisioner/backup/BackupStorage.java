package io.caprovisioner.backup;

import io.caprovisioner.config.Config;
import io.caprovisioner.tenant.BackupKind;
import io.caprovisioner.tenant.TenantNames;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The service's own calls to the backup bucket (the Jobs upload and download themselves): is an
 * object there and what are its size and checksum, what does a tenant's prefix hold, delete one.
 * Blocking (AWS SDK, JDK HTTP client): callers run it on a worker. Each tenant's objects live
 * under {@code <namespace>/}, and every name is made here.
 */
public final class BackupStorage implements AutoCloseable {
  /** Metadata the Job sets on the object: the SHA-256 (hex) of its bytes. */
  public static final String SHA256_METADATA = "sha256";

  /** An object as the storage reports it; {@code sha256} from its metadata. */
  public record StoredObject(String key, long size, Optional<String> sha256, Optional<Instant> lastModified) {
  }

  private final S3Client s3;
  private final String bucket;

  private BackupStorage(S3Client s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  /** Empty when the configuration lacks what backups need ({@link Config.Backups#missing()}). */
  public static Optional<BackupStorage> of(Config.Backups settings) {
    if (settings.missing().isPresent()) {
      return Optional.empty();
    }
    S3Client client = S3Client.builder()
        .endpointOverride(URI.create(settings.endpoint().get()))
        .region(Region.of(settings.region()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            settings.accessKeyId().get(), settings.secretAccessKey().get())))
        // the bucket in the path: S3-compatible servers (MinIO, Ceph, S3Proxy) need no DNS per bucket
        .forcePathStyle(true)
        // checksums the Jobs' curl cannot send either; integrity is the payload's SHA-256, checked on upload
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
    return Optional.of(new BackupStorage(client, settings.bucket().get()));
  }

  public String bucket() {
    return bucket;
  }

  public static String prefix(TenantNames names) {
    return names.namespace() + "/";
  }

  public static String objectKey(TenantNames names, long backupId, BackupKind kind) {
    return prefix(names) + backupId + "-" + kind.wire() + ".tar.gz";
  }

  public Optional<StoredObject> head(String key) {
    try {
      HeadObjectResponse r = s3.headObject(b -> b.bucket(bucket).key(key));
      return Optional.of(new StoredObject(key, r.contentLength(),
          Optional.ofNullable(r.metadata().get(SHA256_METADATA)), Optional.ofNullable(r.lastModified())));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Every object under the tenant's prefix, oldest key first (keys start with the backup's id). */
  public List<StoredObject> list(TenantNames names) {
    List<StoredObject> out = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix(names));
      if (token != null) {
        request.continuationToken(token);
      }
      ListObjectsV2Response page = s3.listObjectsV2(request.build());
      for (S3Object o : page.contents()) {
        out.add(new StoredObject(o.key(), o.size(), Optional.empty(), Optional.ofNullable(o.lastModified())));
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return out;
  }

  /** Deleting what is already gone is fine: S3 answers 204 either way. */
  public void delete(String key) {
    s3.deleteObject(b -> b.bucket(bucket).key(key));
  }

  @Override
  public void close() {
    s3.close();
  }
}

package io.caprovisioner.k8s.model;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

/** Pure: how far a Job of one try ({@code backoffLimit 0}) got, from its status. */
public enum JobVerdict {
  RUNNING, SUCCEEDED, FAILED;

  public static JobVerdict of(Job job) {
    JobStatus status = job.getStatus();
    if (condition(status, "Complete") || (status != null && status.getSucceeded() != null
        && status.getSucceeded() > 0)) {
      return SUCCEEDED;
    }
    if (condition(status, "Failed") || (status != null && status.getFailed() != null && status.getFailed() > 0)) {
      return FAILED;
    }
    return RUNNING;
  }

  private static boolean condition(JobStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return false;
    }
    for (JobCondition c : status.getConditions()) {
      if (type.equals(c.getType()) && "True".equals(c.getStatus())) {
        return true;
      }
    }
    return false;
  }
}

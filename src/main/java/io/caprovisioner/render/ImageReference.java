package io.caprovisioner.render;

/**
 * CA_DOCKER_IMAGE split the way the chart wants it: repository and tag, at the last ':' after the
 * last '/' (a registry port such as {@code registry:5000/x} is part of the repository).
 */
public record ImageReference(String repository, String tag) {

  public static ImageReference parse(String image) {
    if (image == null || image.isBlank()) {
      throw new IllegalArgumentException("CA_DOCKER_IMAGE is empty");
    }
    if (image.contains("@")) {
      // the chart's contract is repository + tag; a digest has no place in it
      throw new IllegalArgumentException("CA_DOCKER_IMAGE must be repository:tag, not a digest: " + image);
    }
    int colon = image.lastIndexOf(':');
    if (colon <= image.lastIndexOf('/')) {
      return new ImageReference(image, "latest");
    }
    if (colon == 0 || colon == image.length() - 1) {
      throw new IllegalArgumentException("CA_DOCKER_IMAGE is not repository:tag: " + image);
    }
    return new ImageReference(image.substring(0, colon), image.substring(colon + 1));
  }
}

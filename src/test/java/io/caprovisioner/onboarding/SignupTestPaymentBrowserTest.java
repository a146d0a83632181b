package io.caprovisioner.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.testing.HeadlessChromium;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A newcomer's path on the dev defaults, in headless Chromium: the signup page (at a phone's
 * width), a site name checked live, the local "test payment, no money moves" page, and the
 * welcome page, which reaches the step that waits for infrastructure this machine lacks (no
 * DB_HOST: the database step waits) and says so honestly. The whole service runs in-process on
 * real PostgreSQL with SIGNUP_TEST_PAYMENTS, no Stripe key, no MySQL and no cluster. This browser
 * has no EventSource, so the page must fall back to polling /welcome/status by itself.
 */
class SignupTestPaymentBrowserTest {
  private SignupTestService app;
  private HeadlessChromium browser;

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void signupThenTestPaymentThenTheWelcomePageWaitingHonestlyAtTheDatabase() {
    browser = HeadlessChromium.start();
    app = new SignupTestService(Map.of("SIGNUP_TEST_PAYMENTS", "true", "BASE_DOMAIN", "sites.example.org",
        "JOB_WORKERS", "2"));
    ChromeDriver page = (ChromeDriver) browser.driver();
    page.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
        Map.of("source", "delete window.EventSource;"));
    WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(30));
    // the form navigates to the next page: an element found on the old one may be gone when read
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);

    page.manage().window().setSize(new Dimension(390, 1400));
    page.get(app.base() + "/signup?plan=starter");
    browser.screenshot("signup-1-form-phone");
    page.manage().window().setSize(new Dimension(1024, 900));
    assertThat(page.findElement(By.id("plan-starter")).isSelected()).isTrue();
    page.findElement(By.cssSelector("label[for=plan-pro]")).click();
    page.findElement(By.id("email")).sendKeys("newcomer@example.org");
    page.findElement(By.id("name")).sendKeys("first-museum");
    wait.until(d -> d.findElement(By.id("name-availability")).getText().contains("is available"));
    browser.screenshot("signup-2-name-available");
    page.findElement(By.cssSelector("button[type=submit]")).click();

    wait.until(d -> d.findElement(By.tagName("h1")).getText().startsWith("Test payment"));
    assertThat(page.findElement(By.cssSelector(".notice")).getText()).contains("This is a test payment, no money moves");
    assertThat(page.findElement(By.cssSelector(".summary")).getText()).contains("Pro", "newcomer@example.org",
        "first-museum");
    browser.screenshot("signup-3-test-payment");
    page.findElement(By.id("pay")).click();

    wait.until(d -> d.getCurrentUrl().contains("/welcome?session_id=cs_test_"));
    wait.until(d -> "current".equals(d.findElement(By.cssSelector("#steps li[data-key=database]"))
        .getAttribute("data-state")));
    wait.until(d -> d.findElement(By.id("message")).getText().contains("waiting for a part of our service"));
    browser.screenshot("signup-4-welcome-waiting-at-database");
    assertThat(page.findElement(By.tagName("body")).getAttribute("data-live")).isEqualTo("polling");
    assertThat(page.findElement(By.cssSelector("#steps li[data-key=payment]")).getAttribute("data-state"))
        .isEqualTo("done");
    assertThat(page.findElement(By.cssSelector("#steps li[data-key=configuration]")).getAttribute("data-state"))
        .isEqualTo("done");
    assertThat(page.findElement(By.id("message")).getText()).startsWith("Creating your site's database.")
        .doesNotContain("DB_HOST");
    assertThat(page.findElement(By.id("progress")).getAttribute("value")).isEqualTo("2");
    assertThat(page.findElement(By.id("site")).isDisplayed()).isFalse();
    assertThat(app.query("SELECT namespace, status FROM tenants").values())
        .containsExactly("tenant-first-museum", "provisioning");
  }
}

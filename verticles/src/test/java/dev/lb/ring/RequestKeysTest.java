package dev.lb.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

class RequestKeysTest {

  @Example
  void randomIdsHaveSixDigits() {
    for (int k = 0; k < 10_000; k++) {
      long id = RequestKeys.random();
      assertTrue(id >= 100_000 && id <= 999_999, "not 6 digits: " + id);
    }
  }

  @Property(tries = 200)
  void aKeyIsStable(@ForAll @StringLength(min = 1, max = 80) String value) {
    assertEquals(RequestKeys.of(value), RequestKeys.of(new StringBuilder(value).toString()));
  }

  @Property(tries = 50)
  void decimalKeysAreTheRequestIdItself(@ForAll("sixDigits") long id) {
    assertEquals(id, RequestKeys.of(Long.toString(id)));
  }

  @Provide
  Arbitrary<Long> sixDigits() {
    return Arbitraries.longs().between(100_000, 999_999);
  }

  @Example
  void textKeysAreHashed() {
    assertNotEquals(RequestKeys.of("alice"), RequestKeys.of("bob"));
    assertNotEquals(RequestKeys.of("1234567890123456789"), 1234567890123456789L, "19 digits overflow: hashed instead");
  }
}

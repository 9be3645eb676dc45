package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Where a copy goes or comes from: Destination and X-Copy-From, as Swift's copy middleware reads them. */
class ObjectCopyTest {

    @Test
    void containerAndObjectArePercentDecodedAndALeadingSlashIsAllowed() {
        assertThat(ObjectCopy.containerAndObject(" /c/dir/o%20%C3%A9 ", "Destination")).containsExactly("c", "dir/o é");
        assertThat(ObjectCopy.containerAndObject("c/o", "X-Copy-From")).containsExactly("c", "o");
    }

    @Test
    void aHeaderWithoutBothNamesIs412NamingTheHeader() {
        for (String header : new String[] {"c", "c/", "/o", "//o"}) {
            assertThatThrownBy(() -> ObjectCopy.containerAndObject(header, "X-Copy-From")).as(header)
                    .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(412))
                    .hasMessage("X-Copy-From header must be of the form <container name>/<object name>");
        }
        assertThatThrownBy(() -> ObjectCopy.containerAndObject("c/%zz", "Destination"))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(400));
    }

    @Test
    void escapesThatSpellNoUtf8OrNulAre412AsSwiftsProxyAnswersSuchAPath() {
        for (String header : new String[] {"c/o%C3", "c/o%00", "c/%FF"}) {
            assertThatThrownBy(() -> ObjectCopy.containerAndObject(header, "Destination")).as(header)
                    .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(412))
                    .hasMessage("Invalid UTF8 or contains NULL");
        }
    }
}

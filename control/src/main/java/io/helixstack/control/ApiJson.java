package io.helixstack.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.helixstack.domain.InvalidInputException;
import java.util.stream.Collectors;

/** The API's JSON: snake_case keys, ISO-8601 times, unknown fields rejected with the list of known ones. */
final class ApiJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ApiJson() {
    }

    static HttpResponse ok(Object body) {
        return of(HttpStatus.OK, body);
    }

    static HttpResponse of(HttpStatus status, Object body) {
        try {
            return HttpResponse.of(status, MediaType.JSON_UTF_8, MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

    static String write(Object body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable", e);
        }
    }

    /** Parses a request body, turning Jackson's complaints into messages that say what was expected. */
    static <T> T read(String body, Class<T> type, String expected) {
        if (body == null || body.isBlank()) {
            throw new InvalidInputException("request body: empty (expected: a JSON object like " + expected + ")");
        }
        try {
            return MAPPER.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new InvalidInputException("request body: unknown field \"" + e.getPropertyName() + "\" (expected one of: " + known + ")");
        } catch (InvalidFormatException e) {
            throw new InvalidInputException("request body: " + path(e) + ": " + e.getValue() + " (expected: "
                    + e.getTargetType().getSimpleName() + ")");
        } catch (MismatchedInputException e) {
            throw new InvalidInputException("request body: " + (e.getPath().isEmpty() ? "not " + expected : path(e) + " has the wrong type")
                    + " (expected: a JSON object like " + expected + ")");
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("request body: malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage() + " (expected: a JSON object like " + expected + ")");
        }
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}

package io.helixstack.plugin.tck;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.EventTypes;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Events with random content for bus tests, built from the record components so a new event type is covered with no
 * change here: every {@code UUID} is random (the {@code deploymentId} is the one asked for), every string unique.
 */
public final class SampleEvents {
    private SampleEvents() {
    }

    /** One event of every type in the catalogue, all for {@code deploymentId}. */
    public static List<Event> everyType(UUID deploymentId) {
        return EventTypes.all().stream().<Event>map(type -> of(type, deploymentId)).toList();
    }

    /** The {@code n}-th type of the catalogue (cycling), with random content. */
    public static Event nth(int n, UUID deploymentId) {
        List<Class<? extends Event>> types = List.copyOf(EventTypes.all());
        return of(types.get(Math.floorMod(n, types.size())), deploymentId);
    }

    public static <E extends Event> E of(Class<E> type, UUID deploymentId) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] parameterTypes = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] args = Arrays.stream(components)
                .map(c -> c.getName().equals("deploymentId") ? deploymentId : value(type, c))
                .toArray();
        try {
            return type.getDeclaredConstructor(parameterTypes).newInstance(args);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot build a sample " + type.getSimpleName() + " from " + Arrays.toString(args), e);
        }
    }

    private static Object value(Class<?> event, RecordComponent component) {
        Class<?> type = component.getType();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (type == UUID.class) {
            return UUID.randomUUID();
        }
        if (type == String.class) {
            return component.getName() + "-" + Long.toHexString(random.nextLong());
        }
        if (type == Instant.class) {
            // Microseconds: what PostgreSQL keeps, should an implementation store the instant as a timestamp.
            return Instant.now().truncatedTo(ChronoUnit.MICROS).minusMillis(random.nextInt(1_000_000));
        }
        if (type == int.class || type == Integer.class) {
            return 1 + random.nextInt(1000);
        }
        if (type == long.class || type == Long.class) {
            return 1 + random.nextLong(1_000_000);
        }
        if (type == boolean.class || type == Boolean.class) {
            return random.nextBoolean();
        }
        if (type == java.util.List.class) {
            // Lists of names (a rollback's regions): one or two strings.
            return java.util.stream.IntStream.range(0, 1 + random.nextInt(2))
                    .mapToObj(i -> component.getName() + "-" + Long.toHexString(random.nextLong())).toList();
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants[random.nextInt(constants.length)];
        }
        throw new IllegalStateException(event.getSimpleName() + "." + component.getName() + ": no sample value for "
                + type.getName() + " (expected: UUID, String, Instant, a list of strings, a primitive or an enum; add one here)");
    }
}

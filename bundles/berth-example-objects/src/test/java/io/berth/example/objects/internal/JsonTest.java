package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesAsPythonsJsonDumpsDoes() {
        // python3 -c 'import json; print(json.dumps([{"name": "c/\u2603", "bytes": 5, "ok": True, "x": None}, "a\n\"b"]))'
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", "c/☃");
        item.put("bytes", 5L);
        item.put("ok", true);
        item.put("x", null);

        assertThat(Json.write(List.of(item, "a\n\"b")))
                .isEqualTo("[{\"name\": \"c/\\u2603\", \"bytes\": 5, \"ok\": true, \"x\": null}, \"a\\n\\\"b\"]");
        assertThat(Json.write(Map.of())).isEqualTo("{}");
        assertThat(Json.write(List.of())).isEqualTo("[]");
    }

    @Test
    void readsBackWhatItWritesInOrder() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("z", "last letter first");
        meta.put("size", 5_368_709_122L);
        meta.put("meta", Map.of("Color", "blé"));
        meta.put("list", Arrays.asList(1L, null, "two"));

        Object read = Json.parse(Json.write(meta));

        assertThat(read).isInstanceOf(Map.class);
        assertThat(List.copyOf(((Map<?, ?>) read).keySet())).isEqualTo(List.of("z", "size", "meta", "list"));
        assertThat(Json.longValue(((Map<?, ?>) read).get("size"))).isEqualTo(5_368_709_122L);
        assertThat(((Map<?, ?>) read).get("meta")).isEqualTo(Map.of("Color", "blé"));
        assertThat(Json.longValue(1)).isEqualTo(1L);
        assertThat(Json.longValue(null)).isNull();
    }

    @Test
    void textThatIsNotJsonIsRefusedSayingWhere() {
        assertThatThrownBy(() -> Json.parse("{\"name\": }")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Not JSON: ").hasMessageContaining("'}'");
        assertThatThrownBy(() -> Json.longValue("5")).isInstanceOf(ClassCastException.class);
    }
}

/*
 * Unit tests for cfn_parse: JSON and YAML templates into one cJSON tree. Short tags, scalar
 * typing, standard tags, anchors, the exact wording and position of syntax errors, duplicate
 * keys, the shape of the top level, and input buffers that are not NUL-terminated.
 *
 * Every parse goes through a malloc'd copy of exactly the input's length, so a read past the
 * end shows up under ASan.
 */
#include "cfn/cfn.h"
#include "tap.h"

#include <stdlib.h>

/* The compact JSON of the parse, or "<status> <code>: <message>"; malloc'd. */
static char *parse_fmt(const char *text, enum cfn_format fmt)
{
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);
	struct fg_err err;
	cJSON *root;
	char *out;

	memcpy(copy, text, len);
	fg_err_clear(&err);
	root = cfn_parse(copy, len, fmt, &err);
	free(copy);
	if (root != NULL) {
		out = cJSON_PrintUnformatted(root);
		cJSON_Delete(root);
		if (fg_err_isset(&err)) {
			free(out);
			out = strdup("success, but err was set");
		}
		return out;
	}
	if (!fg_err_isset(&err))
		return strdup("NULL without an error");
	out = malloc(sizeof(err.code) + sizeof(err.message) + 16);
	sprintf(out, "%d %s: %s", err.status, err.code, err.message);
	return out;
}

#define is_parse_fmt(text, fmt, want, ...)               \
	do {                                             \
		char *got_ = parse_fmt((text), (fmt));   \
		is_str(got_, (want), __VA_ARGS__);       \
		free(got_);                              \
	} while (0)

#define is_parse(text, want, ...) is_parse_fmt((text), CFN_FORMAT_AUTO, (want), __VA_ARGS__)

#define YAML_ERR "400 ValidationError: Template format error: YAML not well-formed. "
#define JSON_ERR "400 ValidationError: Template format error: JSON not well-formed. "
#define EMPTY_ERR "400 ValidationError: Template format error: the template is empty"
#define SHAPE_ERR                                    \
	"400 ValidationError: Template format error: " \
	"template must be a JSON object or YAML mapping"

static void test_short_tags_on_scalars(void)
{
	static const struct {
		const char *yaml;
		const char *json;
	} cases[] = {
		{ "v: !Ref Bucket", "{\"v\":{\"Ref\":\"Bucket\"}}" },
		{ "v: !Condition IsProd", "{\"v\":{\"Condition\":\"IsProd\"}}" },
		{ "v: !GetAtt Api.RootResourceId",
		  "{\"v\":{\"Fn::GetAtt\":[\"Api\",\"RootResourceId\"]}}" },
		{ "v: !Sub '${AWS::Region}-x'", "{\"v\":{\"Fn::Sub\":\"${AWS::Region}-x\"}}" },
		{ "v: !Join x", "{\"v\":{\"Fn::Join\":\"x\"}}" },
		{ "v: !Select x", "{\"v\":{\"Fn::Select\":\"x\"}}" },
		{ "v: !Split x", "{\"v\":{\"Fn::Split\":\"x\"}}" },
		{ "v: !If x", "{\"v\":{\"Fn::If\":\"x\"}}" },
		{ "v: !Equals x", "{\"v\":{\"Fn::Equals\":\"x\"}}" },
		{ "v: !Not x", "{\"v\":{\"Fn::Not\":\"x\"}}" },
		{ "v: !And x", "{\"v\":{\"Fn::And\":\"x\"}}" },
		{ "v: !Or x", "{\"v\":{\"Fn::Or\":\"x\"}}" },
		{ "v: !FindInMap x", "{\"v\":{\"Fn::FindInMap\":\"x\"}}" },
		{ "v: !ImportValue SharedVpc", "{\"v\":{\"Fn::ImportValue\":\"SharedVpc\"}}" },
		{ "v: !Base64 hello", "{\"v\":{\"Fn::Base64\":\"hello\"}}" },
		{ "v: !Cidr x", "{\"v\":{\"Fn::Cidr\":\"x\"}}" },
		{ "v: !GetAZs ''", "{\"v\":{\"Fn::GetAZs\":\"\"}}" },
		{ "v: !Transform x", "{\"v\":{\"Fn::Transform\":\"x\"}}" },
		/* a tagged scalar is text, whatever it looks like */
		{ "v: !Ref 123", "{\"v\":{\"Ref\":\"123\"}}" },
		{ "v: !Base64 true", "{\"v\":{\"Fn::Base64\":\"true\"}}" },
		{ "v: !Ref", "{\"v\":{\"Ref\":\"\"}}" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_parse(cases[i].yaml, cases[i].json, "short tag: %s", cases[i].yaml);
}

static void test_getatt(void)
{
	is_parse("v: !GetAtt A.B.C", "{\"v\":{\"Fn::GetAtt\":[\"A\",\"B.C\"]}}",
		 "!GetAtt splits at the first dot only");
	is_parse("v: !GetAtt [A, B.C]", "{\"v\":{\"Fn::GetAtt\":[\"A\",\"B.C\"]}}",
		 "!GetAtt on a sequence passes the sequence");
	is_parse("v: !GetAtt \"Db.Endpoint.Address\"",
		 "{\"v\":{\"Fn::GetAtt\":[\"Db\",\"Endpoint.Address\"]}}",
		 "!GetAtt splits a quoted scalar too");
	is_parse("v: !GetAtt Lonely", "{\"v\":{\"Fn::GetAtt\":[\"Lonely\"]}}",
		 "!GetAtt without a dot is a one-element list (left for eval to refuse)");
}

static void test_short_tags_on_collections(void)
{
	is_parse("v: !Join ['-', [a, !Ref B]]",
		 "{\"v\":{\"Fn::Join\":[\"-\",[\"a\",{\"Ref\":\"B\"}]]}}", "!Join on a sequence");
	is_parse("v: !FindInMap [RegionMap, !Ref 'AWS::Region', Ami]",
		 "{\"v\":{\"Fn::FindInMap\":[\"RegionMap\",{\"Ref\":\"AWS::Region\"},\"Ami\"]}}",
		 "!FindInMap on a sequence");
	is_parse("v: !Transform\n  Name: AWS::Include\n  Parameters:\n    Location: s3://b/k\n",
		 "{\"v\":{\"Fn::Transform\":{\"Name\":\"AWS::Include\","
		 "\"Parameters\":{\"Location\":\"s3://b/k\"}}}}",
		 "!Transform on a block mapping");
	is_parse("v: !Split\n  - ','\n  - a,b\n", "{\"v\":{\"Fn::Split\":[\",\",\"a,b\"]}}",
		 "!Split on a block sequence");
	is_parse("v: !Cidr [10.0.0.0/16, 6, 5]",
		 "{\"v\":{\"Fn::Cidr\":[\"10.0.0.0/16\",6,5]}}",
		 "untagged items inside a tagged sequence are still typed");
}

static void test_nested_tags(void)
{
	is_parse("v: !If [Cond, !Ref A, !Ref \"AWS::NoValue\"]",
		 "{\"v\":{\"Fn::If\":[\"Cond\",{\"Ref\":\"A\"},{\"Ref\":\"AWS::NoValue\"}]}}",
		 "!If with !Ref branches");
	is_parse("v: !Sub [\"${X}\", {X: !Ref Y}]",
		 "{\"v\":{\"Fn::Sub\":[\"${X}\",{\"X\":{\"Ref\":\"Y\"}}]}}",
		 "!Sub with a variable map");
	is_parse("v: !Select [0, !GetAZs '']",
		 "{\"v\":{\"Fn::Select\":[0,{\"Fn::GetAZs\":\"\"}]}}", "!Select over !GetAZs");
	is_parse("v: !And [!Not [!Equals [!Ref Env, prod]], !Or [!Condition A, !Condition B]]",
		 "{\"v\":{\"Fn::And\":[{\"Fn::Not\":[{\"Fn::Equals\":[{\"Ref\":\"Env\"},\"prod\"]}]},"
		 "{\"Fn::Or\":[{\"Condition\":\"A\"},{\"Condition\":\"B\"}]}]}}",
		 "condition functions nest");
	is_parse("v: !Base64\n  Fn::Sub: |\n    #!/bin/sh\n    echo ${X}\n",
		 "{\"v\":{\"Fn::Base64\":{\"Fn::Sub\":\"#!/bin/sh\\necho ${X}\\n\"}}}",
		 "long form inside a short tag, with a literal block");
	is_parse("v: !ImportValue\n  Fn::Sub: '${Net}-VpcId'\n",
		 "{\"v\":{\"Fn::ImportValue\":{\"Fn::Sub\":\"${Net}-VpcId\"}}}",
		 "!ImportValue of a long-form Fn::Sub on the next line");
	is_parse("v: !ImportValue\n  !Sub '${Net}-VpcId'\n",
		 YAML_ERR "(line 2, column 3): did not find expected key",
		 "two short tags on one node are an error (as CloudFormation documents)");
}

static void test_plain_scalars(void)
{
	static const struct {
		const char *scalar;
		const char *json;
	} cases[] = {
		{ "null", "null" },     { "Null", "null" },       { "NULL", "null" },
		{ "~", "null" },        { "", "null" },           { "true", "true" },
		{ "True", "true" },     { "TRUE", "true" },       { "false", "false" },
		{ "False", "false" },   { "FALSE", "false" },     { "yes", "\"yes\"" },
		{ "no", "\"no\"" },     { "on", "\"on\"" },       { "off", "\"off\"" },
		{ "Yes", "\"Yes\"" },   { "nULL", "\"nULL\"" },   { "tRUE", "\"tRUE\"" },
		{ "0", "0" },           { "7", "7" },             { "-1", "-1" },
		{ "1.5", "1.5" },       { "-0.25", "-0.25" },     { "0.1", "0.1" },
		{ "2147483648", "2147483648" },                   { "123456789012345", "123456789012345" },
		{ "123456789.123456", "123456789.123456" },       { "0123", "\"0123\"" },
		{ "012345678901", "\"012345678901\"" },           { "1e3", "\"1e3\"" },
		{ "1.50", "\"1.50\"" }, { "+1", "\"+1\"" },       { ".5", "\".5\"" },
		{ "1.", "\"1.\"" },     { "-0", "\"-0\"" },       { "0.0", "\"0.0\"" },
		{ "1.2.3", "\"1.2.3\"" },                         { "0x1F", "\"0x1F\"" },
		{ "1_000", "\"1_000\"" },                         { ".inf", "\".inf\"" },
		{ "12345678901234567890", "\"12345678901234567890\"" },
		{ "1234567890123456", "\"1234567890123456\"" },
		{ "0.30000000000000004", "\"0.30000000000000004\"" },
		{ "2024-01-01", "\"2024-01-01\"" },               { "10.0.0.0/16", "\"10.0.0.0/16\"" },
	};
	char text[128], want[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "v: %s", cases[i].scalar);
		snprintf(want, sizeof(want), "{\"v\":%s}", cases[i].json);
		is_parse(text, want, "plain scalar '%s' -> %s", cases[i].scalar, cases[i].json);
	}
	is_parse("v:\n  -\n  - x\n", "{\"v\":[null,\"x\"]}", "an empty sequence entry is null");
}

static void test_strings(void)
{
	is_parse("v: ['123', \"true\", 'null', \"~\", '1.5', '']",
		 "{\"v\":[\"123\",\"true\",\"null\",\"~\",\"1.5\",\"\"]}",
		 "quoted scalars are always strings");
	is_parse("v: |\n  12\n", "{\"v\":\"12\\n\"}", "a literal block is a string");
	is_parse("v: >-\n  true\n", "{\"v\":\"true\"}", "a folded, stripped block is a string");
	is_parse("v: >\n  one\n  two\n\n  three\n",
		 "{\"v\":\"one two\\nthree\\n\"}", "folded block folds lines, keeps blank-line breaks");
	is_parse("v: |+\n  a\n\nw: 1\n", "{\"v\":\"a\\n\\n\",\"w\":1}",
		 "keep chomping keeps trailing newlines");
	is_parse("v: \"tab\\there \\u00e9\"", "{\"v\":\"tab\\there é\"}",
		 "double-quoted escapes are decoded");
	is_parse("v: 'it''s'", "{\"v\":\"it's\"}", "single-quoted '' is a quote");
	is_parse("1: a\ntrue: b\nnull: c\n", "{\"1\":\"a\",\"true\":\"b\",\"null\":\"c\"}",
		 "mapping keys keep their text whatever it looks like");
	is_parse("z: 1\na: 2\nm: 3\n", "{\"z\":1,\"a\":2,\"m\":3}", "key order is the source order");
}

static void test_standard_tags(void)
{
	is_parse("v: !!str 12", "{\"v\":\"12\"}", "!!str forces a string");
	is_parse("v: !!int \"42\"", "{\"v\":42}", "!!int makes a number of quoted text");
	is_parse("v: !!int -0x10", "{\"v\":-16}", "!!int reads hexadecimal");
	is_parse("v: !!float 1e3", "{\"v\":1000}", "!!float reads an exponent");
	is_parse("v: !!bool yes", "{\"v\":true}", "!!bool accepts yes");
	is_parse("v: !!null ''", "{\"v\":null}", "!!null");
	is_parse("v: !<tag:yaml.org,2002:str> 5", "{\"v\":\"5\"}", "verbatim standard tag");
	is_parse("v: ! 12", "{\"v\":\"12\"}", "the non-specific tag ! makes a string");
	is_parse("v: !!seq [1]", "{\"v\":[1]}", "!!seq on a sequence");
	is_parse("v: !!map {a: 1}", "{\"v\":{\"a\":1}}", "!!map on a mapping");
	is_parse("v: !!int 1.5", YAML_ERR "(line 1, column 4): '1.5' is not a valid !!int value",
		 "!!int of a non-integer is an error");
	is_parse("v: !!bool maybe",
		 YAML_ERR "(line 1, column 4): 'maybe' is not a valid !!bool value",
		 "!!bool of a non-boolean is an error");
	is_parse("v: !!str [a]", YAML_ERR "(line 1, column 4): tag !!str does not apply to a sequence",
		 "!!str on a sequence is an error");
	is_parse("v: !!binary aGk=", YAML_ERR "(line 1, column 4): unknown tag !!binary",
		 "unsupported standard tags are unknown");
}

static void test_anchors(void)
{
	is_parse("a: &name Pets\nb: *name\n", "{\"a\":\"Pets\",\"b\":\"Pets\"}",
		 "alias of a scalar");
	is_parse("a: &n 12\nb: *n\n", "{\"a\":12,\"b\":12}", "alias keeps the scalar's type");
	is_parse("base: &tags\n  - {Key: team, Value: api}\nother: *tags\n",
		 "{\"base\":[{\"Key\":\"team\",\"Value\":\"api\"}],"
		 "\"other\":[{\"Key\":\"team\",\"Value\":\"api\"}]}",
		 "alias of a sequence of mappings");
	is_parse("a: &r !Ref Bucket\nb: [*r]\n",
		 "{\"a\":{\"Ref\":\"Bucket\"},\"b\":[{\"Ref\":\"Bucket\"}]}",
		 "alias of a tagged node copies the long form");
	is_parse("a: &x 1\na2: &x 2\nb: *x\n", "{\"a\":1,\"a2\":2,\"b\":2}",
		 "a redefined anchor: the latest wins");
	is_parse("&k Name: x\nm: {*k : y}\nv: *k\n",
		 "{\"Name\":\"x\",\"m\":{\"Name\":\"y\"},\"v\":\"Name\"}",
		 "anchors on keys, aliases as keys and values");
	is_parse("a: &r !Ref B\n? *r\n: 1\n",
		 YAML_ERR "(line 2, column 3): mapping keys must be scalars",
		 "an alias of a tagged node cannot be a key");
	is_parse("a: 1\nb: *nope\n", YAML_ERR "(line 2, column 4): found undefined alias 'nope'",
		 "alias to an unknown anchor");
	is_parse("a: &s [1, *s]\n", YAML_ERR "(line 1, column 11): found undefined alias 's'",
		 "a node cannot contain an alias to itself");

	{
		const char *text = "a: &m {k: [1, 2]}\nb: *m\n";
		struct fg_err err;
		cJSON *root, *a, *b;

		fg_err_clear(&err);
		root = cfn_parse(text, strlen(text), CFN_FORMAT_YAML, &err);
		a = cJSON_GetObjectItem(root, "a");
		b = cJSON_GetObjectItem(root, "b");
		ok(a != NULL && b != NULL && a != b &&
			   cJSON_GetObjectItem(a, "k") != cJSON_GetObjectItem(b, "k") &&
			   cJSON_Compare(a, b, 1),
		   "an alias is an equal, independent copy");
		cJSON_Delete(root);
	}
}

static void test_alias_bomb(void)
{
	struct fg_buf b;
	int i, j;

	fg_buf_init(&b);
	fg_buf_puts(&b, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 9; i++) {
		fg_buf_printf(&b, "l%d: &l%d [", i, i);
		for (j = 0; j < 10; j++)
			fg_buf_printf(&b, "%s*l%d", j ? ", " : "", i - 1);
		fg_buf_puts(&b, "]\n");
	}
	is_parse(b.data,
		 YAML_ERR "(line 6, column 45): aliases expand to more than 1000000 nodes",
		 "exponential aliases are cut off");
	fg_buf_free(&b);
}

static void test_yaml_syntax_errors(void)
{
	is_parse("Resources:\n  Api:\n Type: X\n",
		 YAML_ERR "(line 3, column 2): did not find expected key",
		 "bad indent on line 3 (less than its siblings)");
	is_parse("Resources:\n  Api:\n    Type: X\n      Properties: {}\n",
		 YAML_ERR "(line 4, column 17): mapping values are not allowed in this context",
		 "bad indent on line 4 (more than its siblings)");
	is_parse("a: [1, 2\nb: 3\n", YAML_ERR "(line 2, column 2): did not find expected ',' or ']'",
		 "unterminated flow sequence");
	is_parse("a: 1\nb:\n\t- x\n",
		 YAML_ERR "(line 3, column 1): found character that cannot start any token",
		 "a tab for indentation");
	is_parse("a: 1\r\nb:\r\n  c: 1\r\n d: 2\r\n",
		 YAML_ERR "(line 4, column 2): did not find expected key", "CRLF lines are counted");
	is_parse("a: \"x\xff\"\n", YAML_ERR "(line 1, column 6): invalid leading UTF-8 octet",
		 "invalid UTF-8 is located by offset");
	is_parse("v: \"a\\0b\"\n",
		 YAML_ERR "(line 1, column 4): a string may not contain a NUL character",
		 "NUL inside a string");
	is_parse("a: 1\n---\nb: 2\n",
		 YAML_ERR "(line 2, column 1): expected a single document in the stream, "
			  "but found another document",
		 "a second document");
}

static void test_yaml_keys(void)
{
	is_parse("Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n",
		 YAML_ERR "(line 4, column 3): duplicate key 'A'", "duplicate key in a block mapping");
	is_parse("a:\n  - {x: 1, y: 2, x: 3}\n",
		 YAML_ERR "(line 2, column 18): duplicate key 'x'", "duplicate key in a flow mapping");
	is_parse("a: {x: 1}\nb: {x: 1}\nc:\n  x: 1\n",
		 "{\"a\":{\"x\":1},\"b\":{\"x\":1},\"c\":{\"x\":1}}",
		 "the same key in different mappings is fine");
	is_parse("\"1\": a\n1: b\n", YAML_ERR "(line 2, column 1): duplicate key '1'",
		 "keys compare by text, quoted or not");
	is_parse("[a]: 1\n", YAML_ERR "(line 1, column 1): mapping keys must be scalars",
		 "a sequence as a key");
	is_parse("? {a: 1}\n: 2\n", YAML_ERR "(line 1, column 3): mapping keys must be scalars",
		 "a mapping as a key");
	is_parse("!Ref x: 1\n", YAML_ERR "(line 1, column 1): mapping keys must be scalars",
		 "a short tag on a key");
}

static void test_unknown_tags(void)
{
	is_parse("Resources:\n  A:\n    Type: !Foo X\n",
		 YAML_ERR "(line 3, column 11): unknown tag !Foo", "unknown tag on a scalar");
	is_parse("v: !Foo [1]\n", YAML_ERR "(line 1, column 4): unknown tag !Foo",
		 "unknown tag on a sequence");
	is_parse("v: !ref X\n", YAML_ERR "(line 1, column 4): unknown tag !ref",
		 "tags are case-sensitive");
}

static void test_json(void)
{
	is_parse("  {\"a\": 1.50, \"b\": [true, null, \"x\"], \"c\": {}}",
		 "{\"a\":1.5,\"b\":[true,null,\"x\"],\"c\":{}}",
		 "AUTO picks JSON after leading blanks (1.50 is a JSON number)");
	is_parse_fmt("{\"a\": 1.50}", CFN_FORMAT_YAML, "{\"a\":\"1.50\"}",
		     "the same text forced to YAML types 1.50 as a string");
	is_parse("\xEF\xBB\xBF{\"a\": 1}", "{\"a\":1}", "a UTF-8 BOM before JSON");
	is_parse("{\"z\": 1, \"a\": 2, \"m\": 3}", "{\"z\":1,\"a\":2,\"m\":3}",
		 "JSON key order is kept");
	is_parse("{\n  \"a\": 1,\n  \"b\": tru\n}", JSON_ERR "(line 3, column 8)",
		 "JSON syntax error: line and column of the bad token");
	is_parse("{\n \"a\": 1\n \"b\": 2\n}", JSON_ERR "(line 3, column 2)",
		 "JSON syntax error: a missing comma");
	is_parse("{\r\n\"a\": 1,\r\n\"b\": x}", JSON_ERR "(line 3, column 6)",
		 "JSON syntax error with CRLF lines");
	is_parse("{\"\xC3\xA9\": tru}", JSON_ERR "(line 1, column 7)",
		 "JSON columns count characters, not bytes");
	is_parse("{\"a\": 1}\n}", JSON_ERR "(line 2, column 1)", "text after the JSON value");
	is_parse("{\"a\": 1}\n\t \n", "{\"a\":1}", "blanks after the JSON value are fine");
	is_parse("{\n  \"a\": {\"x\": 1},\n  \"a\": 2}",
		 JSON_ERR "(line 3, column 3): duplicate key 'a'", "JSON duplicate top-level key");
	is_parse("{\"a\": [{\"k\": \"}\", \"b\\\"\": 1, \"k\": 2}]}",
		 JSON_ERR "(line 1, column 29): duplicate key 'k'",
		 "JSON duplicate key inside an array, past tricky strings");
	is_parse("{\"a\\\"b\": 1, \"a\\u0022b\": 2}",
		 JSON_ERR "(line 1, column 13): duplicate key 'a\"b'",
		 "JSON keys compare after unescaping");
	is_parse("{\"a\": {\"x\": 1}, \"b\": {\"x\": 1}}",
		 "{\"a\":{\"x\":1},\"b\":{\"x\":1}}", "JSON: the same key in different objects");
	is_parse_fmt("a: 1", CFN_FORMAT_JSON, JSON_ERR "(line 1, column 1)",
		     "YAML forced to JSON is a JSON error");
}

static void test_shape(void)
{
	is_parse("", EMPTY_ERR, "empty input");
	is_parse("  \n\n\t\n", EMPTY_ERR, "blank input (a tab-only line too)");
	is_parse("# just a comment\n# and another\n", EMPTY_ERR, "only comments");
	is_parse("---\n...\n", EMPTY_ERR, "an empty document");
	is_parse_fmt("  \n", CFN_FORMAT_JSON, EMPTY_ERR, "blank input as JSON");
	is_parse("- a\n- b\n", SHAPE_ERR, "a YAML sequence at the top");
	is_parse("hello\n", SHAPE_ERR, "a YAML scalar at the top");
	is_parse("--- ~\n", SHAPE_ERR, "an explicit null at the top");
	is_parse("!Ref X\n", SHAPE_ERR, "a short tag at the top");
	is_parse("[1, 2]", SHAPE_ERR, "a JSON-looking array (read as YAML) at the top");
	is_parse_fmt("[1, 2]", CFN_FORMAT_JSON, SHAPE_ERR, "a JSON array at the top");
	is_parse_fmt("\"x\"", CFN_FORMAT_JSON, SHAPE_ERR, "a JSON string at the top");
	is_parse("--- !!map\nA: 1\n", "{\"A\":1}", "an explicit !!map at the top is a mapping");
}

static void test_unterminated_buffers(void)
{
	const char yaml[] = "a: 1\nb: 12345";
	const char json[] = "{\"a\": 12}, garbage";
	struct fg_err err;
	cJSON *root;
	char *buf, *out;

	/* the template ends inside what would be "12345": only "12" is in range */
	buf = malloc(sizeof(yaml));
	memcpy(buf, yaml, sizeof(yaml));
	fg_err_clear(&err);
	root = cfn_parse(buf, strlen(yaml) - 3, CFN_FORMAT_AUTO, &err);
	out = root ? cJSON_PrintUnformatted(root) : NULL;
	is_str(out, "{\"a\":1,\"b\":12}", "YAML honours the length, not the NUL");
	free(out);
	cJSON_Delete(root);

	memcpy(buf, "v: 'abc'XYZ", 12);
	fg_err_clear(&err);
	root = cfn_parse(buf, 8, CFN_FORMAT_YAML, &err);
	out = root ? cJSON_PrintUnformatted(root) : NULL;
	is_str(out, "{\"v\":\"abc\"}", "YAML quoted scalar ending at the buffer's end");
	free(out);
	cJSON_Delete(root);
	free(buf);

	buf = malloc(sizeof(json));
	memcpy(buf, json, sizeof(json));
	fg_err_clear(&err);
	root = cfn_parse(buf, 9, CFN_FORMAT_AUTO, &err);
	out = root ? cJSON_PrintUnformatted(root) : NULL;
	is_str(out, "{\"a\":12}", "JSON honours the length: the rest is out of range");
	free(out);
	cJSON_Delete(root);

	fg_err_clear(&err);
	root = cfn_parse(buf, 8, CFN_FORMAT_JSON, &err);
	ok(root == NULL, "JSON cut short inside the buffer is an error");
	is_str(err.message, "Template format error: JSON not well-formed. (line 1, column 8)",
	       "... reported at its last character");
	cJSON_Delete(root);
	free(buf);

	fg_err_clear(&err);
	root = cfn_parse(NULL, 0, CFN_FORMAT_AUTO, &err);
	ok(root == NULL && err.status == 400 && strstr(err.message, "empty") != NULL,
	   "NULL text is an empty template");
}

static const char pets_yaml[] =
	"AWSTemplateFormatVersion: \"2010-09-09\"\n"
	"Description: Pets API\n"
	"Parameters:\n"
	"  Stage:\n"
	"    Type: String\n"
	"    Default: dev\n"
	"    AllowedValues: [dev, prod]\n"
	"Conditions:\n"
	"  IsProd: !Equals [!Ref Stage, prod]\n"
	"Resources:\n"
	"  Api:\n"
	"    Type: AWS::ApiGateway::RestApi\n"
	"    Properties:\n"
	"      Name: !Sub \"${AWS::StackName}-pets\"\n"
	"      EndpointConfiguration:\n"
	"        Types:\n"
	"          - REGIONAL\n"
	"  PetsResource:\n"
	"    Type: AWS::ApiGateway::Resource\n"
	"    Properties:\n"
	"      RestApiId: !Ref Api\n"
	"      ParentId: !GetAtt Api.RootResourceId\n"
	"      PathPart: pets\n"
	"  PetsGet:\n"
	"    Type: AWS::ApiGateway::Method\n"
	"    Properties:\n"
	"      RestApiId: !Ref Api\n"
	"      ResourceId: !Ref PetsResource\n"
	"      HttpMethod: GET\n"
	"      AuthorizationType: NONE\n"
	"      Integration:\n"
	"        Type: MOCK\n"
	"        RequestTemplates:\n"
	"          application/json: '{\"statusCode\": 200}'\n"
	"        IntegrationResponses:\n"
	"          - StatusCode: 200\n"
	"            ResponseTemplates:\n"
	"              application/json: |\n"
	"                {\"pets\": []}\n"
	"      MethodResponses:\n"
	"        - StatusCode: \"200\"\n"
	"  Deployment:\n"
	"    Type: AWS::ApiGateway::Deployment\n"
	"    DependsOn: PetsGet  # after the method exists\n"
	"    Properties:\n"
	"      RestApiId: !Ref Api\n"
	"      StageName: !If [IsProd, prod, !Ref Stage]\n"
	"      Description: !Join [\" \", [Deployed, !Sub \"${Stage}\"]]\n"
	"Outputs:\n"
	"  Url:\n"
	"    Value: !Sub \"https://${Api}.execute-api.${AWS::Region}.amazonaws.com/${Stage}\"\n"
	"    Export:\n"
	"      Name: !Sub \"${AWS::StackName}-url\"\n"
	"  RootId:\n"
	"    Value: !GetAtt [Api, RootResourceId]\n";

static const char pets_json[] =
	"{\"AWSTemplateFormatVersion\":\"2010-09-09\",\"Description\":\"Pets API\","
	"\"Parameters\":{\"Stage\":{\"Type\":\"String\",\"Default\":\"dev\","
	"\"AllowedValues\":[\"dev\",\"prod\"]}},"
	"\"Conditions\":{\"IsProd\":{\"Fn::Equals\":[{\"Ref\":\"Stage\"},\"prod\"]}},"
	"\"Resources\":{"
	"\"Api\":{\"Type\":\"AWS::ApiGateway::RestApi\",\"Properties\":{"
	"\"Name\":{\"Fn::Sub\":\"${AWS::StackName}-pets\"},"
	"\"EndpointConfiguration\":{\"Types\":[\"REGIONAL\"]}}},"
	"\"PetsResource\":{\"Type\":\"AWS::ApiGateway::Resource\",\"Properties\":{"
	"\"RestApiId\":{\"Ref\":\"Api\"},"
	"\"ParentId\":{\"Fn::GetAtt\":[\"Api\",\"RootResourceId\"]},\"PathPart\":\"pets\"}},"
	"\"PetsGet\":{\"Type\":\"AWS::ApiGateway::Method\",\"Properties\":{"
	"\"RestApiId\":{\"Ref\":\"Api\"},\"ResourceId\":{\"Ref\":\"PetsResource\"},"
	"\"HttpMethod\":\"GET\",\"AuthorizationType\":\"NONE\","
	"\"Integration\":{\"Type\":\"MOCK\","
	"\"RequestTemplates\":{\"application/json\":\"{\\\"statusCode\\\": 200}\"},"
	"\"IntegrationResponses\":[{\"StatusCode\":200,"
	"\"ResponseTemplates\":{\"application/json\":\"{\\\"pets\\\": []}\\n\"}}]},"
	"\"MethodResponses\":[{\"StatusCode\":\"200\"}]}},"
	"\"Deployment\":{\"Type\":\"AWS::ApiGateway::Deployment\",\"DependsOn\":\"PetsGet\","
	"\"Properties\":{\"RestApiId\":{\"Ref\":\"Api\"},"
	"\"StageName\":{\"Fn::If\":[\"IsProd\",\"prod\",{\"Ref\":\"Stage\"}]},"
	"\"Description\":{\"Fn::Join\":[\" \",[\"Deployed\",{\"Fn::Sub\":\"${Stage}\"}]]}}}},"
	"\"Outputs\":{"
	"\"Url\":{\"Value\":{\"Fn::Sub\":"
	"\"https://${Api}.execute-api.${AWS::Region}.amazonaws.com/${Stage}\"},"
	"\"Export\":{\"Name\":{\"Fn::Sub\":\"${AWS::StackName}-url\"}}},"
	"\"RootId\":{\"Value\":{\"Fn::GetAtt\":[\"Api\",\"RootResourceId\"]}}}}";

static void test_realistic_template(void)
{
	is_parse(pets_yaml, pets_json, "a REST API template in YAML");
	is_parse_fmt(pets_json, CFN_FORMAT_AUTO, pets_json,
		     "its long form, as JSON, parses to the same tree");
	is_parse_fmt(pets_json, CFN_FORMAT_YAML, pets_json,
		     "and so does the long form read as YAML");
}

int main(void)
{
	test_short_tags_on_scalars();
	test_getatt();
	test_short_tags_on_collections();
	test_nested_tags();
	test_plain_scalars();
	test_strings();
	test_standard_tags();
	test_anchors();
	test_alias_bomb();
	test_yaml_syntax_errors();
	test_yaml_keys();
	test_unknown_tags();
	test_json();
	test_shape();
	test_unterminated_buffers();
	test_realistic_template();
	return tap_done();
}

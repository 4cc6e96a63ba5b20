/* The page's one script: every test file registers its tests, then they run. */
import { run } from "./harness.js";
import "./test_model.js";
import "./test_conditions.js";
import "./test_catalogue.js";
import "./test_patterns.js";
import "./test_kinds.js";

run();

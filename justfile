# Shortcuts for what cargo already does; every recipe is one cargo command you
# can type yourself. `just` is optional.

# Lessons, exercises and your progress
default:
    cargo kata

# Check a lesson or one exercise: just check traits/server
check target:
    cargo kata check {{target}}

# Re-check on every save
watch target="":
    cargo kata watch {{target}}

# The maintainers' test command (what CI runs)
test:
    cargo test

# Lints for the solutions and the harness
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets --all-features -- -D warnings

# Build and open the book
book:
    cargo kata book --open

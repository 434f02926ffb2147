fn main() -> std::process::ExitCode {
    towow_db::main_with_args(std::env::args_os().collect())
}

namespace kinesys::engine {
char const* library_name() noexcept { return "kinesys::engine"; }
}  // namespace kinesys::engine

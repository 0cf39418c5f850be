// Runs a fuzz target's entry point on every file of the directories (or
// files) named on the command line: the committed corpus, and any crash a
// fuzzing run found, replayed as a regression test in every build — also
// with GCC and under the sanitizers, where libFuzzer itself is not linked.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size);

namespace {

int replay(std::filesystem::path const& file)
{
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    std::fprintf(stderr, "cannot read %s\n", file.c_str());
    return 1;
  }
  LLVMFuzzerTestOneInput(reinterpret_cast<std::uint8_t const*>(bytes.data()), bytes.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv)
{
  std::size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (auto const& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file()) {
          if (replay(e.path()) != 0) return 1;
          ++inputs;
        }
    } else {
      if (replay(p) != 0) return 1;
      ++inputs;
    }
  }
  if (inputs == 0) {
    std::fprintf(stderr, "no input found in the paths given\n");
    return 1;
  }
  std::printf("replayed %zu inputs\n", inputs);
  return 0;
}

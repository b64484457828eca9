function __imggit_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __imggit_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __imggit_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __imggit_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __imggit_parse_tokens -S
    set -l unparsed_tokens (__imggit_tokens -pc)
    switch $unparsed_tokens[1]
    case 'imggit'
        __imggit_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'log'
            __imggit_parse_subcommand -r 1 'all' 'graph' 'oneline' 'n/max-count=' 'store=' 'json' 'version' 'h/help'
        case 'tag'
            __imggit_parse_subcommand 2 'd/delete=+' 'f/force' 'store=' 'json' 'version' 'h/help'
        case 'reset'
            __imggit_parse_subcommand 2 'store=' 'version' 'h/help'
        case 'reflog'
            __imggit_parse_subcommand 1 'store=' 'json' 'version' 'h/help'
        case 'import'
            __imggit_parse_subcommand 1 't/tag=' 'store=' 'json' 'version' 'h/help'
        case 'export'
            __imggit_parse_subcommand 1 'o/output=' 'format=' 'n/name=' 'store=' 'version' 'h/help'
        case 'init'
            __imggit_parse_subcommand 1 'store=' 'version' 'h/help'
        case 'fsck'
            __imggit_parse_subcommand 0 'store=' 'json' 'version' 'h/help'
        case 'help'
            __imggit_parse_subcommand -r 1 'version'
        end
    end
end

function __imggit_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __imggit_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __imggit_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __imggit_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__imggit_tokens -p)
    if test -z "$(__imggit_tokens -t)"
        set -l index (count (__imggit_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'imggit' -f
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'log' -d 'Show commits (history entries and their layers), newest first.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'tag' -d 'List tags, tag any commit, or delete tags.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'reset' -d 'Move a tag to another commit.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'reflog' -d 'Show every move of a tag, newest first.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'import' -d 'Copy images into the store from an archive or an OCI layout.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'export' -d 'Write an image as a tarball for docker load, podman load or skopeo.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'init' -d 'Create an empty image store (an OCI image layout).'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'fsck' -d 'Verify every blob and every image of the store.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit log" -ge 1' -fka '(__imggit_custom_completion ---completion log -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" all' -l 'all' -d 'Show the commits of every tagged image.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" graph' -l 'graph' -d 'Draw the commit graph.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" oneline' -l 'oneline' -d 'One line per commit.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" max-count n' -s 'n' -l 'max-count' -d 'Show at most N commits.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit tag" -eq 1' -fka '(__imggit_custom_completion ---completion tag -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit tag" -eq 2' -fka '(__imggit_custom_completion ---completion tag -- positional@1 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag"' -l 'delete' -s 'd' -d 'Delete these tags (their images stay in the reflog).' -rfka '(__imggit_custom_completion ---completion tag -- --delete (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" f force' -l 'force' -s 'f' -d 'Move the tag if it exists already.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit reset" -eq 1' -fka '(__imggit_custom_completion ---completion reset -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit reset" -eq 2' -fka '(__imggit_custom_completion ---completion reset -- positional@1 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit reflog" -eq 1' -fka '(__imggit_custom_completion ---completion reflog -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit import" -eq 1' -F
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" t tag' -s 't' -l 'tag' -d 'Tag the imported image NAME[:TAG] (one image only).' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit export" -eq 1' -fka '(__imggit_custom_completion ---completion export -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" o output' -l 'output' -s 'o' -d 'Output file, or - for standard output.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" format' -l 'format' -d 'Archive format: docker or oci.' -rfka 'docker oci'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" n name' -l 'name' -s 'n' -d 'The name to record in the archive (default: the tag used, if any).' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit init" -eq 1' -fa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit help" version' -l 'version' -d 'Show the version.'
